// The doctor is never wrong (issue 18, item 9): a network failure is not a clock failure, GLM_QUOTA_NOW is named,
// only existing writable private directories are "private", an HTML 502 fails as the report does, one origin is not
// "refused by X and by X", a quoted server message stays whole, GLM_QUOTA_MODELS is checked, every line fits 80 columns.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { chmodSync, mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { runDoctor, type Check } from "../../src/doctor/index.ts"
import { displayWidth } from "../../src/core/text/width.ts"
import { httpFetch } from "../../src/zai/node-http.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, runCliHere, tempHome, type TempHome } from "../helpers.ts"

let sim: Simulator
let home: TempHome
let project: string
beforeAll(async () => {
  sim = await startSimulator({ state: { keys: [CANARY_KEY], dateOffsetMs: 0 } })
})
afterAll(() => sim.close())
beforeEach(() => {
  home = tempHome("glmq-doctor-right-")
  project = join(home.dir, "project")
  mkdirSync(project)
  sim.set({ fault: null, keys: [CANARY_KEY], dateOffsetMs: 0 })
  sim.requests.length = 0
})
afterEach(() => {
  chmodSync(home.dir, 0o700)
  home.cleanup()
})

const doctor = (env: Record<string, string> = {}, extra: { home?: string } = {}): Promise<Check[]> =>
  runDoctor({
    env: { ...home.env, ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, ...env },
    fetch: httpFetch,
    now: () => new Date(),
    cwd: project,
    home: extra.home ?? home.dir,
  })
const one = (checks: Check[], id: string) => {
  const found = checks.filter((c) => c.id === id)
  expect(found, id).toHaveLength(1)
  return found[0]!
}
const cliEnv = (extra: Record<string, string> = {}) => ({
  ...home.env,
  ZAI_API_KEY: CANARY_KEY,
  GLM_QUOTA_BASE_URL: sim.url,
  ...extra,
})

describe("clock", () => {
  it("no network: the clock is not blamed, the network line says what failed", async () => {
    const checks = await doctor({ GLM_QUOTA_BASE_URL: "http://127.0.0.1:1" })
    const clock = one(checks, "clock")
    expect(clock.found).toMatch(/^local clock not compared: the API could not be reached; local times in /)
    expect(clock.fix).toBe("see the network line below")
    expect(JSON.stringify(clock)).not.toMatch(/NTP|synchron/i)
    expect(one(checks, "network").status).toBe("fail")
  })

  it("GLM_QUOTA_NOW set: the clock is fixed by it, not days behind", async () => {
    const c = one(await doctor({ GLM_QUOTA_NOW: "2026-03-02T07:30:00Z" }), "clock")
    expect(c.found).toMatch(/^the clock is fixed by GLM_QUOTA_NOW \(2026-03-02T07:30:00Z\), not compared/)
    expect(c.fix).toMatch(/^unset GLM_QUOTA_NOW/)
    expect(c.found).not.toMatch(/behind|ahead/)
  })
})

describe("files", () => {
  const cache = () => join(home.env.XDG_CACHE_HOME!, "glm-quota")
  const state = () => join(home.env.XDG_STATE_HOME!, "glm-quota")

  it("directories that do not exist are not called private", async () => {
    const c = one(await doctor(), "files")
    expect(c.status).toBe("ok")
    expect(c.found).toMatch(/^cache and state directories not made yet \(made private at first use\)/)
    expect(c.found).not.toMatch(/directories private/)
  })

  it("mode 500 and 000: not writable, chmod 700; never 'private'", async () => {
    mkdirSync(cache(), { recursive: true })
    mkdirSync(state(), { recursive: true })
    chmodSync(cache(), 0o500)
    chmodSync(state(), 0o000)
    try {
      const files = (await doctor()).filter((c) => c.id === "files")
      expect(files.map((c) => [c.status, c.found, c.fix])).toEqual([
        ["warn", `cache ${cache()} is 500: glm-quota cannot write there`, `chmod 700 ${cache()}`],
        ["warn", `state ${state()} is 000: glm-quota cannot write there`, `chmod 700 ${state()}`],
      ])
    } finally {
      chmodSync(cache(), 0o700)
      chmodSync(state(), 0o700)
    }
  })

  it("a private pair says so; one made, one not: each said as it is", async () => {
    mkdirSync(state(), { recursive: true, mode: 0o700 })
    expect(one(await doctor(), "files").found).toMatch(
      /^state directory private \(0700 \/ 0600\); cache directory not made yet \(made private at first use\)/,
    )
  })

  it("no home directory: never 'make / writable', but HOME or XDG_*_HOME", async () => {
    const env = { HOME: "/nonexistent-home-glmq", XDG_CACHE_HOME: "", XDG_STATE_HOME: "" }
    const files = (await doctor(env, { home: "/nonexistent-home-glmq" })).filter((c) => c.id === "files")
    expect(files.length).toBeGreaterThan(0)
    for (const c of files) {
      expect(c.fix).not.toMatch(/make \/ writable/)
      expect(c.found).toMatch(/cannot be created \(no home directory at \/nonexistent-home-glmq\)/)
      expect(c.fix).toMatch(/^set HOME to your home directory, or XDG_(CACHE|STATE)_HOME to a directory you can write$/)
    }
  })

  it("a parent in the home directory that is not writable: that parent is named", async () => {
    mkdirSync(home.env.XDG_CACHE_HOME!, { recursive: true })
    chmodSync(home.env.XDG_CACHE_HOME!, 0o500)
    try {
      const c = (await doctor()).find((x) => x.id === "files" && x.found.startsWith("cache"))!
      expect(c.fix).toBe(`make ${home.env.XDG_CACHE_HOME} writable`)
    } finally {
      chmodSync(home.env.XDG_CACHE_HOME!, 0o700)
    }
  })
})

describe("answers the report cannot use", () => {
  it("an HTML 502: the doctor exits 1, as the report does", async () => {
    sim.set({ fault: { kind: "answer", status: 502, body: "<html><body>Bad Gateway</body></html>" } })
    const report = await runCliHere([], cliEnv({ GLM_QUOTA_NOW: "" }))
    const run = await runCliHere(["doctor", "--json"], cliEnv())
    expect(report.code).toBe(1)
    expect(run.code).toBe(1)
    const net = JSON.parse(run.stdout).checks.find((c: Check) => c.id === "network")
    expect(net).toMatchObject({ status: "fail" })
  })

  it("one origin for both regions: refused by it once, one request, and the subscription says the key was refused", async () => {
    sim.set({ keys: ["another-key-0123456789abcdef"] })
    const checks = await doctor()
    const region = one(checks, "region")
    const host = new URL(sim.url).host
    expect(region.found).toBe(`key from ZAI_API_KEY refused by ${host}`)
    expect(sim.count()).toBe(1)
    expect(one(checks, "subscription").found).toBe("not checked: the key was refused")
  })

  it("a quoted server message with ': ' and '; ' in it stays whole, on one line", async () => {
    const msg = "bad: very bad; really"
    sim.set({ fault: { kind: "answer", status: 200, body: JSON.stringify({ code: 1234, msg, success: false }) } })
    const net = one(await doctor(), "network")
    expect(net.found).toContain(`(code 1234: "${msg}")`)
    expect(net.fix).toBe("try again in a few minutes")
    const run = await runCliHere(["doctor"], cliEnv({ GLM_QUOTA_BASE_URL: `${sim.url}/${"p".repeat(30)}` }))
    expect(run.stdout.split("\n").some((l) => l.includes(`"${msg}"`))).toBe(true)
  })
})

describe("GLM_QUOTA_MODELS", () => {
  it("not JSON, or JSON with unusable entries: ✗ naming them (the report stops on it too)", async () => {
    const notJson = (await doctor({ GLM_QUOTA_MODELS: "{heavy: glm-5}" })).filter((c) => c.status === "fail")
    expect(notJson.map((c) => c.found)).toEqual(["GLM_QUOTA_MODELS is not a JSON object, so every report stops"])
    const bad = (await doctor({ GLM_QUOTA_MODELS: '{"heavy": 5, "colour": "red"}' })).filter(
      (c) => c.id === "models" && c.status === "fail",
    )
    expect(bad).toHaveLength(1)
    expect(bad[0]!.found).toBe(
      "GLM_QUOTA_MODELS is not usable (models.colour (unknown), models.heavy (expected a model id such as glm-5.3)), so every report stops",
    )
    const report = await runCliHere([], cliEnv({ GLM_QUOTA_MODELS: '{"heavy": 5}' }))
    expect(report.code).toBe(1)
    const run = await runCliHere(["doctor"], cliEnv({ GLM_QUOTA_MODELS: "{heavy: glm-5}" }))
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/^✗ {2}GLM_QUOTA_MODELS is not a JSON object, so every report stops$/m)
  })
})

describe("80 columns", () => {
  it("every doctor line, --help and doctor --help fit 80 columns, with hanging indents", async () => {
    const deep = join(home.dir, "a-rather-long-directory-name-for-a-project", "and-another-level-of-it")
    const dir = join(home.env.XDG_CONFIG_HOME!, "opencode")
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      join(dir, "opencode.json"),
      JSON.stringify({
        model: "zai-coding-plan/glm-5",
        provider: { "my-own-relay-provider": { options: { baseURL: "https://api.z.ai/some/odd/path/v4" } } },
        plugin: [["glm-quota", { model: "always", thresholds: "many", widget: "nope" }]],
      }),
    )
    const run = await runCliHere(["doctor"], cliEnv({ XDG_STATE_HOME: deep, GLM_QUOTA_NOW: "2026-03-02T07:30:00Z" }))
    const lines = run.stdout.trimEnd().split("\n")
    expect(lines.length).toBeGreaterThan(12)
    for (const l of lines) {
      expect(displayWidth(l), l).toBeLessThanOrEqual(80)
      expect(l).toMatch(/^(?:[✓⚠✗] {2}\S| {3}→ \S| {3}\S| {5}\S)/)
    }
    for (const args of [["--help"], ["doctor", "--help"]]) {
      const help = await runCliHere(args, cliEnv())
      for (const l of help.stdout.split("\n")) expect(displayWidth(l), l).toBeLessThanOrEqual(80)
    }
  })
})
