// `glm-quota --line` against the loopback simulator in an isolated HOME: in this process (most cases), and as the real
// bin (the demo, and a warm run that must not touch Intl, whose first use loads ICU's data).
// reads: dist/ (spawns the built CLI; the test setup builds it first)
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { runCli as runCliInProcess } from "../../src/cli/run.ts"
import { PATHS } from "../../src/zai/client.ts"
import { MODELS_PATH } from "../../src/zai/models.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, ROOT, runCli, runCliHere, tempHome, type CliRun, type TempHome } from "../helpers.ts"

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
const LATER = "2026-03-02T07:35:00Z"

/** Monday 15:30 Beijing: both peak periods on; the weekly window (41 %) binds and resets in 3d 9h; light at the peak. */
const LINE = "GLM Pro 5h ██░░░ 37% · wk ██░░░ 41% · ↻3d9h · ⚑peak · →4.7\n"

/** Whatever happens: exactly one line on stdout, ending in its only newline, and nothing at all on stderr. */
function expectOneLine(run: CliRun): string {
  expect(run.stderr).toBe("")
  expect(run.stdout.endsWith("\n")).toBe(true)
  expect(run.stdout.split("\n")).toHaveLength(2)
  expect(run.stdout).not.toContain(CANARY_KEY)
  return run.stdout
}

/** runCli in this process with exactly `env` and a stdout that may be a terminal (runCliHere pins NO_COLOR=1). */
async function runTty(args: string[], e: Record<string, string>, isTTY: boolean): Promise<CliRun> {
  let stdout = ""
  let stderr = ""
  const started = Date.now()
  const code = await runCliInProcess(args, e, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTTY,
  })
  return { code, stdout, stderr, ms: Date.now() - started }
}

const cacheFiles = () => {
  const dir = join(home.env.XDG_CACHE_HOME!, "glm-quota")
  return existsSync(dir) ? readdirSync(dir).sort() : []
}

describe("glm-quota --line", () => {
  it("from a warm cache: no request at all, one line with the figures", async () => {
    expect((await runCliHere(["--json"], env())).code).toBe(0)
    const before = sim.count()
    const run = await runCliHere(["--line"], env({ GLM_QUOTA_NOW: "2026-03-02T07:30:30Z" }))
    expect(run.code).toBe(0)
    expect(sim.count()).toBe(before)
    expect(expectOneLine(run)).toBe(LINE)
    expect(Array.from(run.stdout.trimEnd()).length).toBeLessThanOrEqual(60)
  })

  it("from a cold cache: one quota request, no model list, no history; the next run is served from the cache", async () => {
    const run = await runCliHere(["--line"], env())
    expect(run.code).toBe(0)
    expect(expectOneLine(run)).toBe(LINE)
    expect(sim.count(PATHS.quota)).toBe(1)
    for (const path of [MODELS_PATH, PATHS.modelUsage, PATHS.toolUsage]) expect(sim.count(path)).toBe(0)
    const before = sim.count()
    expect((await runCliHere(["--line"], env({ GLM_QUOTA_NOW: "2026-03-02T07:30:59Z" }))).stdout).toBe(LINE)
    expect(sim.count()).toBe(before)
    // A minute on, the cache is stale: one request again.
    await runCliHere(["--line"], env({ GLM_QUOTA_NOW: "2026-03-02T07:31:01Z" }))
    expect(sim.count(PATHS.quota)).toBe(2)
  })

  it("reuses the key's model list the report cached, never asking for it: the report's model class", async () => {
    // 20:00 Beijing, off-peak. In March 2026 Pro's GLM-5 class was glm-5 alone, which the key's list does not have.
    const offPeak = "2026-03-02T12:00:00Z"
    const report = JSON.parse((await runCliHere(["--json"], env({ GLM_QUOTA_NOW: offPeak }))).stdout)
    expect(report.recommendation.class).toBe("glm-4.7")
    const listed = await runCliHere(["--line"], env({ GLM_QUOTA_NOW: offPeak }))
    expect(expectOneLine(listed)).toMatch(/ · →4\.7\n$/)
    expect(listed.stdout).not.toContain("⚑peak")
    // Without the list on disk, the dated catalog decides: glm-5, off-peak and quota to spare.
    const dir = join(home.env.XDG_CACHE_HOME!, "glm-quota")
    for (const f of cacheFiles()) if (f.endsWith("-models.json")) rmSync(join(dir, f))
    const catalog = await runCliHere(["--line"], env({ GLM_QUOTA_NOW: offPeak }))
    expect(expectOneLine(catalog)).toMatch(/ · →5\n$/)
    expect(sim.count(MODELS_PATH)).toBe(1) // the report's
  })

  it("no colour with NO_COLOR or when stdout is not a terminal", async () => {
    const e = env()
    delete (e as Record<string, string | undefined>).NO_COLOR
    for (const run of [
      await runTty(["--line"], { ...e, NO_COLOR: "1" }, true),
      await runTty(["--line"], { ...e, NO_COLOR: "" }, true),
      await runTty(["--line"], e, false),
    ]) {
      expect(expectOneLine(run)).toBe(LINE)
      expect(run.stdout).not.toContain("\x1b")
    }
  })

  it("on a terminal without NO_COLOR only the percentages are coloured, by the 80 / 95 thresholds", async () => {
    const plain = await runTty(["--line"], env(), true)
    expect(expectOneLine(plain)).toBe(LINE.replace("37%", "\x1b[32m37%\x1b[39m").replace("41%", "\x1b[32m41%\x1b[39m"))
    sim.set({ fiveHourPercent: 85, weeklyPercent: 97 })
    const hot = await runTty(["--line", "--no-cache"], env(), true)
    expect(expectOneLine(hot)).toContain("5h ████░ \x1b[33m85%\x1b[39m · wk █████ \x1b[31m97%\x1b[39m")
    expect(hot.stdout.match(/\x1b/g)).toHaveLength(4)
  })

  it("no key anywhere: `glm ?`, exit 1, no request, nothing on stderr", async () => {
    const run = await runCliHere(["--line"], { ...home.env, GLM_QUOTA_BASE_URL: sim.url })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("glm ?\n")
    expect(run.stderr).toBe("")
    expect(sim.count()).toBe(0)
  })

  it("the API fails and nothing is cached: `glm ?`, exit 1", async () => {
    sim.set({ fault: { kind: "answer", status: 502, body: "<html>Bad Gateway</html>" } })
    const run = await runCliHere(["--line"], env())
    expect(run.code).toBe(1)
    expect(expectOneLine(run)).toBe("glm ?\n")
    sim.set({ fault: null, keys: ["someone-else"] })
    const rejected = await runCliHere(["--line"], env())
    expect(rejected.code).toBe(1)
    expect(expectOneLine(rejected)).toBe("glm ?\n")
  })

  it("the API fails with a reading cached: that reading, marked stale, exit 0", async () => {
    expect((await runCliHere(["--json"], env())).code).toBe(0)
    sim.set({ fault: { kind: "answer", status: 502, body: "<html>Bad Gateway</html>" } })
    const run = await runCliHere(["--line"], env({ GLM_QUOTA_NOW: LATER }))
    expect(run.code).toBe(0)
    expect(expectOneLine(run)).toMatch(/^GLM Pro 5h ██░░░ 37% · wk ██░░░ 41% · ↻3d9h · ⚑peak · →4\.7 \(stale\)\n$/)
    expect(sim.count(PATHS.quota)).toBeGreaterThan(1) // it asked (the cache was a minute old), as the report does
  })

  it("exit 2 when a five-hour or weekly window is used up", async () => {
    sim.set({ fiveHourPercent: 100 })
    const run = await runCliHere(["--line"], env())
    expect(run.code).toBe(2)
    expect(expectOneLine(run)).toContain("5h █████ 100%")
    sim.set({ fiveHourPercent: 12, weeklyPercent: 100 })
    const weekly = await runCliHere(["--line", "--no-cache"], env())
    expect(weekly.code).toBe(2)
    expect(expectOneLine(weekly)).toContain("wk █████ 100%")
  })

  it("a bad argument or clock is `glm ?` too, never a sentence on stderr", async () => {
    for (const [args, extra] of [
      [["--line", "--bogus"], {}],
      [["--line", "--region", "mars"], {}],
      [["--line"], { GLM_QUOTA_NOW: "yesterday" }],
      [["--line"], { GLM_QUOTA_MODELS: "{" }],
    ] as [string[], Record<string, string>][]) {
      const run = await runCliHere(args, env(extra))
      expect(run.code).toBe(1)
      expect(expectOneLine(run)).toBe("glm ?\n")
    }
    expect(sim.count()).toBe(0)
  })

  it("--no-cache asks the API and leaves the cache alone", async () => {
    expect((await runCliHere(["--line"], env())).code).toBe(0)
    const files = cacheFiles()
    const run = await runCliHere(["--line", "--no-cache"], env({ GLM_QUOTA_NOW: "2026-03-02T07:30:10Z" }))
    expect(expectOneLine(run)).toBe(LINE)
    expect(sim.count(PATHS.quota)).toBe(2)
    expect(cacheFiles()).toEqual(files)
  })

  it("--region: the key and the cache entry of that region", async () => {
    sim.set({ china: true })
    const china = { ...home.env, ZHIPU_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: LATER }
    const run = await runCliHere(["--line", "--region", "china"], china)
    expect(run.code).toBe(0)
    expect(expectOneLine(run)).toMatch(/^GLM Pro 5h /)
    // Only a China key is known: the international region has none.
    const none = await runCliHere(["--line", "--region", "international"], china)
    expect(none.code).toBe(1)
    expect(expectOneLine(none)).toBe("glm ?\n")
  })

  it("--demo: from the in-memory demo, no request and no file", async () => {
    const run = await runCliHere(["--line", "--demo"], { ...home.env, GLM_QUOTA_NOW: "2026-11-30T07:30:00Z" })
    expect(run.code).toBe(0)
    // A credit plan at the peak: the light class, as the demo's report recommends (glm-5.3-flash).
    expect(expectOneLine(run)).toBe("GLM Pro 5h ██░░░ 37% · wk ██░░░ 41% · ↻3d9h · ⚑peak · →4.7\n")
    expect(sim.count()).toBe(0)
    expect(cacheFiles()).toEqual([])
  })

  it("the help names --line", async () => {
    expect((await runCliHere(["--help"], env())).stdout).toMatch(/^ {2}--line {2,}one short line for status bars/m)
  })
})

describe("glm-quota --line, the real process", () => {
  it("--line --demo prints one line and exits 0", async () => {
    const run = await runCli(["--line", "--demo"], { ...home.env, GLM_QUOTA_NOW: "2026-11-28T04:00:00Z" })
    expect(run.code).toBe(0)
    // A Saturday off-peak: quota to spare, the heavy class.
    expect(expectOneLine(run)).toBe("GLM Pro 5h ██░░░ 37% · wk ██░░░ 41% · ↻3d9h · →5\n")
  })

  it("a warm run touches no Intl (ICU's first load would cost more than the rest of the line)", async () => {
    const probe = join(home.dir, "intl")
    const probeArgs = ["--import", join(ROOT, "test", "cli", "fixtures", "intl-probe.mjs")]
    const e = env({ GLMQ_INTL_FILE: probe })
    // The terminal report reads the local time zone through Intl: the probe sees it.
    expect((await runCli([], e, 20_000, probeArgs)).code).toBe(0)
    expect(readFileSync(probe, "utf8")).toContain("DateTimeFormat")
    rmSync(probe)
    const warm = await runCli(
      ["--line"],
      env({ GLMQ_INTL_FILE: probe, GLM_QUOTA_NOW: "2026-03-02T07:30:40Z" }),
      20_000,
      probeArgs,
    )
    expect(warm.code).toBe(0)
    expect(expectOneLine(warm)).toBe(LINE)
    expect(existsSync(probe) ? readFileSync(probe, "utf8") : "").toBe("")
    expect(sim.count(PATHS.quota)).toBe(1)
  })
})
