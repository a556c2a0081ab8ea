// The CLI against a real loopback simulator in an isolated HOME: in this process through runCli (most cases), and as
// the real `glm-quota` process a user starts (the bin, the demo, exit statuses).
// reads: dist/ (spawns the built CLI; the test setup builds it first)
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createServer, type Server } from "node:net"
import { PATHS } from "../../src/zai/client.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, runCli, runCliHere, tempHome, until, type CliRun, type TempHome } from "../helpers.ts"

let sim: Simulator
let home: TempHome
beforeAll(async () => {
  sim = await startSimulator({ state: { keys: [CANARY_KEY] }, now: () => new Date("2026-03-02T07:30:00Z") })
})
afterAll(() => sim.close())
beforeEach(() => {
  home = tempHome()
  sim.set({
    fault: null,
    era: "weekly",
    plan: "pro",
    fiveHourPercent: 37,
    weeklyPercent: 41,
    keys: [CANARY_KEY],
    china: false,
  })
  sim.requests.length = 0
})
afterEach(() => home.cleanup())

const env = (extra: Record<string, string> = {}) => ({
  ...home.env,
  ZAI_API_KEY: CANARY_KEY,
  GLM_QUOTA_BASE_URL: sim.url,
  GLM_QUOTA_NOW: "2026-03-02T07:30:00Z",
  ...extra,
})

function expectOneSentence(run: CliRun, cause: RegExp, fix: RegExp) {
  expect(run.code).toBe(1)
  expect(run.stdout).toBe("")
  const lines = run.stderr.trimEnd().split("\n")
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^glm-quota: [A-Z].*\.$/)
  expect(lines[0]).toMatch(cause)
  expect(lines[0]).toMatch(fix)
  expect(run.stdout + run.stderr).not.toContain(CANARY_KEY)
}

describe("report", () => {
  it("--json prints schema 1 exactly", async () => {
    const run = await runCliHere(["--json"], env())
    expect(run.code).toBe(0)
    const r = JSON.parse(run.stdout)
    expect(Object.keys(r)).toEqual([
      "schema",
      "plan",
      "region",
      "fetchedAt",
      "stale",
      "windows",
      "binding",
      "peak",
      "pricing",
      "recommendation",
      "resetCards",
      "local",
      "turns",
    ])
    expect(r.local).toBeNull() // no OpenCode record on this machine
    // No turn recorded: the week's pace only (41 % used, 3d 9h 17m = 81.28 h before the reset: 1 − 81.28 / 168 = 51.6 % of the week gone)
    expect(r.turns).toMatchObject({ last: null, recent: { turns: 0 }, pace: { usedPercent: 41, elapsedPercent: 51.6 } })
    expect(r).toMatchObject({ schema: 1, plan: "pro", region: "international", stale: false, binding: "weekly" })
    expect(r.fetchedAt).toBe("2026-03-02T07:30:00.000Z")
    expect(r.windows.map((w: { kind: string }) => w.kind)).toEqual(["five_hour", "weekly", "mcp_monthly"])
    expect(Object.keys(r.windows[0])).toEqual([
      "kind",
      "meter",
      "usedPercent",
      "used",
      "limit",
      "remaining",
      "resetsAt",
    ])
    // 15:30 Beijing on a Monday: both peak periods are on until 18:00 Beijing (10:00 UTC).
    expect(r.peak).toEqual({
      active: true,
      periods: ["quota", "throttle"],
      endsAt: "2026-03-02T10:00:00.000Z",
      nextStartsAt: null,
      glm5Multiplier: 3,
    })
    // March 2026 on a legacy token plan: the seed era's 3× at the quota peak; the light id is one the key's list has.
    expect(r.pricing).toEqual({
      generation: "legacy",
      phase: "peak",
      "glm-5": { peak: 3, offPeak: 1 },
      "glm-4.7": { peak: 1, offPeak: 1 },
    })
    // In March 2026 Pro's GLM-5 class was glm-5 alone, which today's list of the key does not have: light, and why.
    expect(r.recommendation).toEqual({
      model: "glm-4.7",
      class: "glm-4.7",
      reason: "no GLM-5-class model of the Pro plan is listed",
    })
    expect(r.resetCards).toMatchObject({ fiveHour: { available: 1 }, weekly: { available: 0 }, suggested: null })
  })

  it("the terminal report shows bars, local reset times with countdowns, peak in Beijing and local time", async () => {
    const run = await runCli([], env({ TZ: "America/New_York" }))
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("GLM Coding Plan · Pro")
    expect(run.stdout).toMatch(/5-hour\s+█+░+\s+37 %/)
    expect(run.stdout).toContain("resets 05:11 (in 2h 41m)")
    expect(run.stdout).toContain("until 18:00 Beijing time (05:00 your time)")
    expect(run.stdout).toContain("Model: glm-4.7")
    expect(run.stdout).not.toContain("\x1b[")
  })

  it("exit 2 when the five-hour window is used up", async () => {
    sim.set({ fiveHourPercent: 100 })
    const run = await runCliHere(["--json"], env())
    expect(run.code).toBe(2)
    expect(JSON.parse(run.stdout).windows[0].usedPercent).toBe(100)
  })

  it("--full adds the 24 h history", async () => {
    const run = await runCliHere(["--full"], env())
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/Last 24 h: [\d,]+ model calls/)
    expect(run.stdout).toMatch(/calls\/hour\s+[▁▂▃▄▅▆▇█ ]{24}/)
  })

  it("a China key goes to the China region", async () => {
    sim.set({ china: true })
    const run = await runCliHere(["--json"], { ...home.env, ZHIPU_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url })
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).region).toBe("china")
  })

  it("the key is found in OpenCode's auth.json", async () => {
    const { mkdirSync, writeFileSync } = await import("node:fs")
    const dir = `${home.env.XDG_DATA_HOME}/opencode`
    mkdirSync(dir, { recursive: true })
    writeFileSync(`${dir}/auth.json`, JSON.stringify({ "zai-coding-plan": { type: "api", key: CANARY_KEY } }))
    const run = await runCliHere(["--json"], { ...home.env, GLM_QUOTA_BASE_URL: sim.url })
    expect(run.code).toBe(0)
    expect(sim.requests.filter((r) => r.path === PATHS.quota).at(-1)!.authorization).toBe(CANARY_KEY)
  })

  it("bad flags and values end in one sentence", async () => {
    expectOneSentence(await runCliHere(["--bogus"], env()), /Unknown option/, /--help/)
    expectOneSentence(await runCliHere(["--region", "mars"], env()), /Unknown region/, /--region china/)
    expectOneSentence(await runCliHere([], env({ GLM_QUOTA_NOW: "yesterday" })), /not a date/, /ISO-8601/)
  })
})

describe("every failure: exit 1, one sentence naming cause and fix, no key", () => {
  const cases: [string, () => void, RegExp, RegExp][] = [
    [
      "200 with code 1001",
      () =>
        sim.set({
          fault: {
            kind: "answer",
            status: 200,
            body: '{"code":1001,"msg":"Authorization Token Missing","success":false}',
          },
        }),
      /received no key/,
      /ZAI_API_KEY/,
    ],
    ["200 with code 401", () => sim.set({ keys: ["another-key"] }), /rejected your key/, /new key|--region china/],
    [
      "200 with code 401, China text",
      () =>
        sim.set({
          fault: { kind: "answer", status: 200, body: '{"code":401,"msg":"令牌已过期或验证不正确","success":false}' },
        }),
      /rejected your key/,
      /console/,
    ],
    ["HTTP 401", () => sim.set({ fault: { kind: "answer", status: 401, body: "{}" } }), /rejected your key/, /console/],
    [
      "HTTP 403",
      () => sim.set({ fault: { kind: "answer", status: 403, body: "Forbidden" } }),
      /rejected your key/,
      /console/,
    ],
    [
      "HTTP 429",
      () =>
        sim.set({
          fault: {
            kind: "answer",
            status: 429,
            body: '{"code":429,"msg":"Too Many Requests"}',
            headers: { "retry-after": "300" },
          },
        }),
      /throttling/,
      /wait 5 minutes/,
    ],
    [
      "200 with a rate-limit message",
      () =>
        sim.set({
          fault: { kind: "answer", status: 200, body: '{"code":500,"msg":"请求频率过高，请稍后再试","success":false}' },
        }),
      /throttling/,
      /wait/,
    ],
    [
      "HTTP 500",
      () => sim.set({ fault: { kind: "answer", status: 500, body: '{"error":"internal"}' } }),
      /trouble \(HTTP 500\)/,
      /try again/,
    ],
    [
      "HTML 502 page",
      () =>
        sim.set({
          fault: {
            kind: "answer",
            status: 502,
            body: "<html><body><h1>502 Bad Gateway</h1></body></html>",
            headers: { "content-type": "text/html" },
          },
        }),
      /HTML error page/,
      /try again/,
    ],
    [
      "HTML page with 200",
      () => sim.set({ fault: { kind: "answer", status: 200, body: "<!DOCTYPE html><html>login</html>" } }),
      /HTML error page/,
      /HTTPS_PROXY/,
    ],
    [
      "empty body",
      () => sim.set({ fault: { kind: "answer", status: 200, body: "" } }),
      /empty answer/,
      /--region china/,
    ],
    [
      "truncated JSON",
      () =>
        sim.set({
          fault: {
            kind: "answer",
            status: 200,
            body: '{"code":200,"msg":"Operation successful","data":{"level":"pro","limits":[{"type":"TOK',
          },
        }),
      /could not be read/,
      /try again/,
    ],
    [
      "connection reset mid-body",
      () => sim.set({ fault: { kind: "reset" } }),
      /Could not reach|could not be read/,
      /try again/,
    ],
  ]
  for (const [name, arrange, cause, fix] of cases) {
    it(name, async () => {
      arrange()
      const run = await runCliHere([], env())
      expectOneSentence(run, cause, fix)
      expect(run.ms).toBeLessThan(9000)
    })
  }

  it("no key anywhere", async () => {
    const run = await runCliHere([], { ...home.env, GLM_QUOTA_BASE_URL: sim.url })
    expectOneSentence(run, /No GLM Coding Plan key/, /ZAI_API_KEY/)
    expect(sim.count()).toBe(0)
  })

  it("a server that never answers: within the 8 s timeout plus a second", async () => {
    sim.set({ fault: { kind: "hang" } })
    const before = sim.count(PATHS.quota)
    const running = runCliHere([], env())
    // Timed from the moment the request reaches the server: how long Node takes to start on a busy machine is not
    // the client's timeout.
    await until(() => sim.count(PATHS.quota) > before, 15_000)
    const asked = Date.now()
    const run = await running
    const waited = Date.now() - asked
    expectOneSentence(run, /did not answer within 8 seconds/, /network or proxy/)
    expect(run.ms).toBeGreaterThanOrEqual(7900) // it waited the timeout out (which starts inside the process)
    expect(waited).toBeLessThan(8000 + 1000) // and gave up within a second of it, without trying again
  }, 30_000)

  it("connection refused", async () => {
    const blocker: Server = createServer()
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r))
    const port = (blocker.address() as { port: number }).port
    await new Promise<void>((r) => blocker.close(() => r()))
    const run = await runCliHere([], env({ GLM_QUOTA_BASE_URL: `http://127.0.0.1:${port}` }))
    expectOneSentence(run, /connection refused/, /GLM_QUOTA_BASE_URL/)
  })
})

describe("cache", () => {
  it("two runs within 60 s make one request", async () => {
    expect((await runCliHere(["--json"], env())).code).toBe(0)
    expect((await runCliHere(["--json"], env({ GLM_QUOTA_NOW: "2026-03-02T07:30:59Z" }))).code).toBe(0)
    expect(sim.count(PATHS.quota)).toBe(1)
    expect((await runCliHere(["--json"], env({ GLM_QUOTA_NOW: "2026-03-02T07:31:01Z" }))).code).toBe(0)
    expect(sim.count(PATHS.quota)).toBe(2)
  })

  it("--no-cache asks the API every time", async () => {
    await runCliHere(["--json", "--no-cache"], env())
    await runCliHere(["--json", "--no-cache"], env())
    expect(sim.count(PATHS.quota)).toBe(2)
  })

  it("when the server fails, the last good snapshot is served and labelled stale", async () => {
    expect((await runCliHere(["--json"], env())).code).toBe(0)
    sim.set({ fault: { kind: "answer", status: 502, body: "<html>Bad Gateway</html>" } })
    const run = await runCliHere(["--json"], env({ GLM_QUOTA_NOW: "2026-03-02T07:35:00Z" }))
    expect(run.code).toBe(0)
    const r = JSON.parse(run.stdout)
    expect(r.stale).toBe(true)
    expect(r.fetchedAt).toBe("2026-03-02T07:30:00.000Z")
    expect(r.windows[0].usedPercent).toBe(37)
    expect(run.stderr).toMatch(/HTML error page/)
    const text = await runCliHere([], env({ GLM_QUOTA_NOW: "2026-03-02T07:35:00Z" }))
    expect(text.stdout).toMatch(/Stale: showing the last good reading \(5m ago\)/)
  })

  it("never after the key is rejected", async () => {
    expect((await runCliHere(["--json"], env())).code).toBe(0)
    sim.set({ keys: ["someone-else"] })
    const rejected = await runCliHere(["--json"], env({ GLM_QUOTA_NOW: "2026-03-02T07:35:00Z" }))
    expectOneSentence(rejected, /rejected your key/, /console/)
    sim.set({ keys: [CANARY_KEY], fault: { kind: "answer", status: 502, body: "<html>Bad Gateway</html>" } })
    const later = await runCliHere(["--json"], env({ GLM_QUOTA_NOW: "2026-03-02T07:36:00Z" }))
    expectOneSentence(later, /HTML error page/, /try again/)
  })

  it("the cache file is 0600 in a 0700 directory and holds no key", async () => {
    const { readdirSync, readFileSync, statSync } = await import("node:fs")
    await runCliHere(["--json"], env())
    const dir = `${home.env.XDG_CACHE_HOME}/glm-quota`
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    // The quota reading and the key's model list (kept a day), each named by a hash.
    const files = readdirSync(dir).sort()
    expect(files).toHaveLength(2)
    expect(files.filter((f) => /^[0-9a-f]{32}-models\.json$/.test(f))).toHaveLength(1)
    for (const f of files) {
      expect(statSync(`${dir}/${f}`).mode & 0o777).toBe(0o600)
      expect(readFileSync(`${dir}/${f}`, "utf8")).not.toContain(CANARY_KEY)
    }
  })
})

describe("demo", () => {
  it("exits 0 and prints the plan, three windows and a recommendation", async () => {
    // A Saturday in late November 2026: off-peak, and the simulator's model list has glm-5.4.
    const run = await runCli(["--demo"], { ...home.env, GLM_QUOTA_NOW: "2026-11-28T04:00:00Z" })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("GLM Coding Plan · Pro")
    for (const w of ["5-hour", "Weekly", "MCP tools (month)"]) expect(run.stdout).toContain(w)
    expect(run.stdout).toMatch(/Model: glm-5\.4 — off-peak and quota to spare/)
    const peak = await runCliHere(["--demo"], { ...home.env, GLM_QUOTA_NOW: "2026-11-30T07:30:00Z" })
    expect(peak.stdout).toMatch(/Model: glm-5\.3-flash — peak hours until 18:00 Beijing time/)
  })
})
