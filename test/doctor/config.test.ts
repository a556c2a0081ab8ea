// The doctor's OpenCode config, files and JSONC checks, in throw-away config directories (no network needed for most).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { runDoctor, type Check } from "../../src/doctor/index.ts"
import { parseConfig, stripJsonc } from "../../src/doctor/jsonc.ts"
import { httpFetch } from "../../src/zai/node-http.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, tempHome, type TempHome } from "../helpers.ts"

let sim: Simulator
let home: TempHome
let project: string
beforeAll(async () => {
  sim = await startSimulator({ state: { keys: [CANARY_KEY], dateOffsetMs: 0 } })
})
afterAll(() => sim.close())
beforeEach(() => {
  home = tempHome("glmq-doctor-cfg-")
  project = join(home.dir, "project")
  mkdirSync(project)
})
afterEach(() => home.cleanup())

function write(where: "global" | "project", name: string, value: unknown) {
  const dir = where === "global" ? join(home.env.XDG_CONFIG_HOME!, "opencode") : project
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, name), typeof value === "string" ? value : JSON.stringify(value))
}
const doctor = (): Promise<Check[]> =>
  runDoctor({
    env: { ...home.env, ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url },
    fetch: httpFetch,
    now: () => new Date(),
    cwd: project,
    home: home.dir,
  })
const of = (checks: Check[], id: string) => checks.filter((c) => c.id === id)

const ZAI = { options: { baseURL: "https://api.z.ai/api/coding/paas/v4" } }

describe("jsonc", () => {
  it("strips comments and trailing commas, but not inside strings", () => {
    const text = '{\n // a comment\n "url": "https://api.z.ai/x", /* block */ "a": [1, 2,],\n}'
    expect(JSON.parse(stripJsonc(text)!)).toEqual({ url: "https://api.z.ai/x", a: [1, 2] })
    expect(parseConfig('{"s": "a, }"}')).toEqual({ ok: true, value: { s: "a, }" } })
    expect(parseConfig("/* never ends")).toMatchObject({ ok: false })
    expect(parseConfig("[1, 2]")).toMatchObject({ ok: false, problem: expect.stringMatching(/an array/) })
    expect(parseConfig("not json")).toMatchObject({ ok: false })
  })
})

describe("doctor: providers", () => {
  it("a provider on /api/paas/v4: ✗ with the coding endpoint as the fix", async () => {
    write("global", "opencode.json", { provider: { zai: { options: { baseURL: "https://api.z.ai/api/paas/v4" } } } })
    const [c] = of(await doctor(), "config")
    expect(c).toMatchObject({ status: "fail" })
    expect(c!.fix).toBe("use https://api.z.ai/api/coding/paas/v4 (error 1113 'insufficient balance' otherwise)")
  })

  it("a BigModel provider on /api/paas/v4: the fix names the BigModel host", async () => {
    const cn = { options: { baseURL: "https://open.bigmodel.cn/api/paas/v4" } }
    write("global", "opencode.json", { provider: { zhipuai: cn } })
    expect(of(await doctor(), "config")[0]!.fix).toMatch(/^use https:\/\/open\.bigmodel\.cn\/api\/coding\/paas\/v4/)
  })

  it("the coding endpoint (JSONC, project config) and the Anthropic path: ✓", async () => {
    write(
      "project",
      "opencode.jsonc",
      '{\n  // mine\n  "provider": {"zai-coding-plan": ' + JSON.stringify(ZAI) + ",},\n}",
    )
    write("global", "opencode.json", { provider: { a: { options: { baseURL: "https://api.z.ai/api/anthropic" } } } })
    const [c] = of(await doctor(), "config")
    expect(c).toMatchObject({ status: "ok" })
    expect(c!.found).toMatch(/a, zai-coding-plan|zai-coding-plan, a/)
  })
})

describe("doctor: models", () => {
  it("a model the key's list does not have: ⚠ naming the one to use", async () => {
    write("global", "opencode.json", { model: "zai-coding-plan/glm-5", provider: { "zai-coding-plan": ZAI } })
    const [c] = of(await doctor(), "models")
    expect(c).toMatchObject({ status: "warn" })
    expect(c!.fix).toBe("glm-5 is not offered: use glm-5.4")
  })

  it("a listed model and small_model: ✓", async () => {
    write("global", "opencode.json", { model: "zai-coding-plan/glm-5.3", small_model: "zai-coding-plan/glm-4.7" })
    expect(of(await doctor(), "models")[0]).toMatchObject({ status: "ok" })
  })
})

describe("doctor: plugin", () => {
  it("glm-quota in opencode.json but missing from tui.json: ⚠", async () => {
    write("global", "opencode.json", { plugin: ["glm-quota@0.1.0"] })
    const [c] = of(await doctor(), "plugin")
    expect(c).toMatchObject({ status: "warn" })
    expect(c!.found).toMatch(/not in tui\.json's/)
  })

  it("both, same version: ✓; different versions: ⚠", async () => {
    write("global", "opencode.json", { plugin: ["glm-quota@0.1.0"] })
    write("global", "tui.json", { plugin: [["glm-quota@0.1.0", {}]] })
    expect(of(await doctor(), "plugin")[0]).toMatchObject({ status: "ok" })
    write("project", "tui.json", { plugin: ["glm-quota@0.0.9"] })
    expect(of(await doctor(), "plugin")[0]).toMatchObject({ status: "warn" })
  })

  it("options a half cannot use: ⚠ per file, each named as the half names it, the rest fine", async () => {
    write("global", "opencode.json", {
      plugin: [["glm-quota@0.1.0", { model: "always", thresholds: [80, 95], widget: "prompt" }]],
    })
    write("global", "tui.json", { plugin: [["glm-quota@0.1.0", { widget: "sidebar", refreshInterval: 5 }]] })
    const checks = of(await doctor(), "plugin")
    expect(checks.map((c) => c.status)).toEqual(["ok", "warn", "warn"])
    expect(checks[1]!.found).toBe(
      "glm-quota options in opencode.json (global) not used, defaults in their place: " +
        "widget (unknown option), model (use suggest, apply or off)",
    )
    expect(checks[1]!.fix).toBe(
      'correct them in the ["glm-quota", { … }] entry of opencode.json (global) (README: "Options")',
    )
    expect(checks[2]!.found).toBe(
      "glm-quota options in tui.json (global) not used, defaults in their place: " +
        "refreshInterval (expected seconds from 30 to 3600; the default 60 is used)",
    )
    write("global", "tui.json", { plugin: [["glm-quota@0.1.0", { widget: "prompt", refreshInterval: 60 }]] })
    write("global", "opencode.json", { plugin: [["glm-quota@0.1.0", { model: "apply", guard: "off" }]] })
    expect(of(await doctor(), "plugin")).toEqual([expect.objectContaining({ status: "ok" })])
  })

  it("hostile option names are cleaned and capped, many are counted, a non-object is named", async () => {
    const junk = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`x${i}\u001b[31m${"y".repeat(200)}`, 1]))
    write("global", "opencode.json", { plugin: [["glm-quota", junk]] })
    write("global", "tui.json", { plugin: [["glm-quota", "sidebar"]] })
    const [, server, tui] = of(await doctor(), "plugin")
    expect(server!.found).not.toMatch(/\u001b/)
    expect(server!.found).toMatch(/ and 4 more$/)
    expect(server!.found.length).toBeLessThan(600)
    expect(tui!.found).toMatch(/: options \(expected an object\)$/)
  })
})

describe("doctor: hostile config", () => {
  it("not JSON, a 5 MB file, an array, a symlink loop: ⚠ lines, never a crash", async () => {
    write("global", "opencode.json", "{ this is not json")
    write("global", "tui.json", `{"plugin": ["${"x".repeat(5 * 1024 * 1024)}"]}`)
    write("project", "opencode.json", [1, 2, 3])
    symlinkSync(join(project, "tui.jsonc"), join(project, "tui.jsonc.loop"))
    symlinkSync(join(project, "tui.jsonc.loop"), join(project, "tui.jsonc"))
    write("project", "tui.json", { plugin: 42, provider: "nope" })
    const checks = await doctor()
    const config = of(checks, "config")
    const found = config.map((c) => c.found).join("\n")
    expect(found).toMatch(/opencode\.json \(global\) is not valid JSON/)
    expect(found).toMatch(/tui\.json \(global\) is larger than 1 MiB/)
    expect(found).toMatch(/opencode\.json \(project\) is an array/)
    expect(found).toMatch(/tui\.jsonc \(project\) cannot be read/)
    for (const c of config.slice(0, 4)) expect(c.status).toBe("warn")
    expect(checks.every((c) => c.status !== "fail")).toBe(true)
  })

  it("a provider table full of junk and __proto__ keys: no crash", async () => {
    write(
      "global",
      "opencode.json",
      '{"provider": {"__proto__": {"options": {"baseURL": "https://api.z.ai/api/paas/v4"}}, "b": 1, "c": {"options": 7}}, "model": 5}',
    )
    const checks = await doctor()
    expect(of(checks, "config")[0]).toMatchObject({ status: "ok" })
  })
})

describe("doctor: files", () => {
  it("fresh dirs: ✓ (they can be created); loose permissions: ⚠ with chmod", async () => {
    expect(of(await doctor(), "files")[0]).toMatchObject({ status: "ok" })
    const state = join(home.env.XDG_STATE_HOME!, "glm-quota")
    mkdirSync(state, { recursive: true })
    chmodSync(state, 0o755)
    const [c] = of(await doctor(), "files")
    expect(c).toMatchObject({ status: "warn", fix: `chmod 700 ${state}` })
  })

  it("a state directory that is a symlink loop: ⚠, never a crash", async () => {
    const state = join(home.env.XDG_STATE_HOME!, "glm-quota")
    mkdirSync(home.env.XDG_STATE_HOME!, { recursive: true })
    symlinkSync(`${state}.b`, state)
    symlinkSync(state, `${state}.b`)
    const [c] = of(await doctor(), "files")
    expect(c).toMatchObject({ status: "warn" })
    expect(c!.found).toMatch(/cannot be read \(a symlink loop or no permission\)/)
  })

  it("a corrupt record file set aside: ⚠ naming it", async () => {
    const state = join(home.env.XDG_STATE_HOME!, "glm-quota")
    mkdirSync(state, { recursive: true, mode: 0o700 })
    const day = new Date().toISOString().slice(0, 10)
    writeFileSync(join(state, `events-${day}.jsonl`), "\u0000\u0000garbage\n".repeat(10), { mode: 0o600 })
    const [c] = of(await doctor(), "files")
    expect(c).toMatchObject({ status: "warn" })
    expect(c!.found).toContain(`events-${day}.jsonl`)
  })
})
