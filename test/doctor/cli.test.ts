// `glm-quota doctor` through runCli: the printed lines, --json's shape, exit statuses, and a proxy that refuses.
// runs: test/hosts/ (the real OpenCode 1.18.33 binary; the test setup installs it)
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { mkdirSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { dirname, join } from "node:path"
import { gunzipSync } from "node:zlib"
import { readFileSync } from "node:fs"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, ROOT, runCliHere, tempHome, type TempHome } from "../helpers.ts"
import { hostBin } from "../hosts/hosts.ts"

let sim: Simulator
let home: TempHome
beforeAll(async () => {
  sim = await startSimulator({ state: { keys: [CANARY_KEY], dateOffsetMs: 0 } })
})
afterAll(() => sim.close())
beforeEach(() => {
  home = tempHome("glmq-doctor-cli-")
  sim.set({ dateOffsetMs: 0, fault: null })
  sim.requests.length = 0
})
afterEach(() => home.cleanup())

const env = (extra: Record<string, string> = {}) => ({
  ...home.env,
  ZAI_API_KEY: CANARY_KEY,
  GLM_QUOTA_BASE_URL: sim.url,
  ...extra,
})

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

describe("glm-quota doctor", () => {
  it("prints one line per check; exit 0 with only warnings; → lines under ⚠", async () => {
    const dir = join(home.env.XDG_CONFIG_HOME!, "opencode")
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, "opencode.json"), JSON.stringify({ plugin: ["glm-quota"] }))
    const run = await runCliHere(["doctor"], env())
    expect(run.stderr).toBe("")
    expect(run.code).toBe(0)
    const lines = run.stdout.trimEnd().split("\n")
    // Wrapped to 80 columns with hanging indents: a found line goes on at 3, a fix at 5.
    for (const l of lines) expect(l).toMatch(/^(?:[✓⚠✗] {2}\S| {3}→ \S| {3}\S| {5}\S)/)
    const warnAt = lines.findIndex((l) => l.startsWith("⚠"))
    expect(lines[warnAt]).toMatch(/not in tui\.json's/)
    expect(lines[warnAt + 1]).toMatch(/^ {3}→ add "glm-quota"/)
    expect(run.stdout).not.toContain(CANARY_KEY)
  })

  it("--json: schema 1 and the check fields; exit 1 on a failure (no key)", async () => {
    const run = await runCliHere(["doctor", "--json"], env({ ZAI_API_KEY: "" }))
    expect(run.code).toBe(1)
    const r = JSON.parse(run.stdout)
    expect(Object.keys(r)).toEqual(["schema", "checks"])
    expect(r.schema).toBe(1)
    for (const c of r.checks) {
      expect(Object.keys(c)).toEqual(["id", "status", "found", "fix"])
      expect(["ok", "warn", "fail"]).toContain(c.status)
      if (c.status === "ok") expect(c.fix).toBe("")
      else expect(c.fix).not.toBe("")
    }
    expect(r.checks[0]).toMatchObject({ id: "key", status: "fail" })
    expect(sim.count()).toBe(0)
  })

  it("a proxy that refuses: a network ✗ in plain words, exit 1", async () => {
    const proxy = `http://127.0.0.1:${await closedPort()}`
    const run = await runCliHere(["doctor", "--json"], env({ HTTPS_PROXY: proxy, HTTP_PROXY: proxy }))
    expect(run.code).toBe(1)
    const net = JSON.parse(run.stdout).checks.find((c: { id: string }) => c.id === "network")
    expect(net.status).toBe("fail")
    expect(net.found).toMatch(/^Could not reach .* \(connection refused\), through HTTP_PROXY \(127\.0\.0\.1:\d+\)$/)
    expect(net.fix).toMatch(/proxy/)
  })

  it("a NO_PROXY naming the host: direct", async () => {
    const run = await runCliHere(
      ["doctor", "--json"],
      env({ HTTPS_PROXY: "http://127.0.0.1:9", NO_PROXY: "127.0.0.1" }),
    )
    const net = JSON.parse(run.stdout).checks.find((c: { id: string }) => c.id === "network")
    expect(net).toMatchObject({ status: "ok" })
    expect(net.found).toMatch(/direct \(NO_PROXY names it\)/)
  })

  it("zai-coding-plan/glm-5 with OpenCode 1.18.33 on PATH: not offered by that OpenCode, a listed id suggested", async () => {
    const dir = join(home.env.XDG_CONFIG_HOME!, "opencode")
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, "opencode.json"), JSON.stringify({ model: "zai-coding-plan/glm-5" }))
    // The real 1.18.33 the tests pin (test/hosts), found as a user's shell finds it.
    const run = await runCliHere(["doctor"], env({ PATH: dirname(hostBin(1)) }))
    expect(run.stdout).toMatch(/^✓ {2}OpenCode 1\.18\.33 \(opencode\) on PATH$/m)
    expect(run.stdout).toMatch(
      /^⚠ {2}model zai-coding-plan\/glm-5 is not offered by OpenCode 1\.18\.33 \(its built-in\s+catalog\)\n {3}→ use zai-coding-plan\/glm-5\.3$/m,
    )
  })

  it("a bad argument: one sentence on stderr, exit 1; --help: exit 0", async () => {
    const bad = await runCliHere(["doctor", "--bogus"], env())
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^glm-quota: .*glm-quota doctor --help/)
    const help = await runCliHere(["doctor", "--help"], env())
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^glm-quota doctor/)
  })
})

describe("OpenCode 2's opencode.db", () => {
  /** The database the real 2.2.5 wrote while its service ran (test/fixtures/opencode2, canary keys). */
  function placeDb() {
    const dir = join(home.env.XDG_DATA_HOME!, "opencode")
    mkdirSync(dir, { recursive: true })
    for (const suffix of ["", "-wal"]) {
      const gz = readFileSync(join(ROOT, "test", "fixtures", "opencode2", `running.db${suffix}.gz`))
      writeFileSync(join(dir, `opencode.db${suffix}`), gunzipSync(gz))
    }
  }
  const OC2_KEY = "sk-canary-second.abcdef0123456789abcdef"

  it("glm-quota finds the key only opencode.db holds, and the doctor says where it came from", async () => {
    placeDb()
    sim.set({ keys: [OC2_KEY] })
    try {
      const report = await runCliHere(["--json"], { ...home.env, GLM_QUOTA_BASE_URL: sim.url })
      expect(report.stderr).toBe("")
      expect(report.code).toBe(0)
      expect(JSON.parse(report.stdout)).toMatchObject({ schema: 1, region: "international" })
      expect(sim.requests.some((r) => r.authorization === OC2_KEY)).toBe(true)
      const doctor = await runCliHere(["doctor"], { ...home.env, GLM_QUOTA_BASE_URL: sim.url })
      // 2.2.5 holds a BigModel key too: the doctor names both places (a ⚠, as for env and auth.json).
      expect(doctor.stdout).toMatch(/^⚠ {2}key from OpenCode 2's opencode\.db \(zai-coding-plan\), for Z\.ai/m)
      expect(doctor.stdout.replace(/\n +/g, " ")).toMatch(
        /another key for BigModel \(China\) in OpenCode 2's opencode\.db \(zhipuai-coding-plan\)/,
      )
      expect(doctor.stdout + report.stdout).not.toContain(OC2_KEY)
    } finally {
      sim.set({ keys: [CANARY_KEY] })
    }
  })

  it("a damaged opencode.db: one sentence naming it, exit 1, no crash", async () => {
    const dir = join(home.env.XDG_DATA_HOME!, "opencode")
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, "opencode.db"), "SQLite format 3\u0000 and then nothing")
    const run = await runCliHere([], { ...home.env, GLM_QUOTA_BASE_URL: sim.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /^glm-quota: OpenCode 2's key store .*opencode\.db could not be read \(it is damaged or not an SQLite database\): close OpenCode and try again, or set ZAI_API_KEY/,
    )
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1)
    expect(sim.count()).toBe(0)
  })
})

describe("the demo", () => {
  it("points at glm-quota doctor", async () => {
    const run = await runCliHere(["--demo"], { ...home.env, GLM_QUOTA_NOW: "2026-11-28T04:00:00Z" })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/\n {2}Check your own set-up with glm-quota doctor\.\n$/)
  })
})
