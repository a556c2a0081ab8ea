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

describe("doctor: models, against the list the user's OpenCode has", () => {
  it("no opencode on PATH: the catalog 1.18.33 ships, said so; glm-5 is not in it", async () => {
    write("global", "opencode.json", { model: "zai-coding-plan/glm-5", provider: { "zai-coding-plan": ZAI } })
    const [c] = of(await doctor(), "models")
    expect(c).toMatchObject({ status: "warn" })
    expect(c!.found).toBe(
      "model zai-coding-plan/glm-5 is not offered by OpenCode 1.18.33 (its built-in catalog; no opencode on PATH)",
    )
    expect(c!.fix).toBe("use zai-coding-plan/glm-5.3")
  })

  it("OpenCode 1.x's models cache wins over the catalog it ships", async () => {
    write("global", "opencode.json", { model: "zai-coding-plan/glm-5" })
    const cache = join(home.env.XDG_CACHE_HOME!, "opencode")
    mkdirSync(cache, { recursive: true })
    const models = { "zai-coding-plan": { id: "zai-coding-plan", models: { "glm-5": {}, "glm-4.7": {} } } }
    writeFileSync(join(cache, "models.json"), JSON.stringify(models))
    expect(of(await doctor(), "models")[0]).toMatchObject({
      status: "ok",
      found: "model zai-coding-plan/glm-5: offered by OpenCode (its models cache)",
    })
    writeFileSync(join(cache, "models.json"), JSON.stringify({ "zai-coding-plan": { models: { "glm-4.7": {} } } }))
    const [c] = of(await doctor(), "models")
    expect(c!.found).toBe("model zai-coding-plan/glm-5 is not offered by OpenCode (its models cache)")
    expect(c!.fix).toBe("use zai-coding-plan/glm-4.7") // nothing heavier listed: what there is
  })

  it("OpenCode 2.2.5: its own, shorter catalog (glm-4.7 is not in it); the running server's list wins", async () => {
    write("global", "opencode.json", { model: "zai-coding-plan/glm-4.7" })
    const v2 = [{ name: "opencode", path: "/x/opencode", version: "2.2.5", major: 2 }]
    const run = (serverModels?: (p: string) => string[] | null) =>
      runDoctor({
        env: { ...home.env, ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url },
        fetch: httpFetch,
        now: () => new Date(),
        cwd: project,
        home: home.dir,
        openCodeInstalls: () => v2,
        serverModels,
      })
    const [c] = of(await run(), "models")
    expect(c!.found).toBe("model zai-coding-plan/glm-4.7 is not offered by OpenCode 2.2.5 (its built-in catalog)")
    expect(c!.fix).toBe("use zai-coding-plan/glm-5.3-flash")
    const served = of(await run((p) => (p === "zai-coding-plan" ? ["glm-4.7", "glm-5.3"] : null)), "models")
    expect(served[0]).toMatchObject({ status: "ok", found: expect.stringMatching(/the running OpenCode/) })
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
    expect(checks[1]!.fix).toBe("correct them in the glm-quota entry of opencode.json (global) (docs/options.md)")
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

describe("doctor: plugin, OpenCode 2", () => {
  const v2 = [{ name: "opencode", path: "/x/opencode", version: "2.2.5", major: 2 }]
  const v1 = [{ name: "opencode", path: "/x/opencode", version: "1.18.33", major: 1 }]
  const run = (installs: typeof v2) =>
    runDoctor({
      env: { ...home.env, ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url },
      fetch: httpFetch,
      now: () => new Date(),
      cwd: project,
      home: home.dir,
      openCodeInstalls: () => installs,
    })
  /** A checkout of glm-quota under a name of its own, with its built entry file. */
  function checkout(): { dir: string; file: string } {
    const dir = join(home.dir, "src", "my-checkout")
    mkdirSync(join(dir, "dist"), { recursive: true })
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "glm-quota", version: "0.1.0" }))
    writeFileSync(join(dir, "dist", "index.js"), "export default {}\n")
    return { dir, file: join(dir, "dist", "index.js") }
  }

  it("a plugins entry that is one file: 2.x skips it; the package directory is named instead", async () => {
    const { dir, file } = checkout()
    write("global", "opencode.json", { plugins: [file] })
    const [c] = of(await run(v2), "plugin")
    expect(c).toMatchObject({ status: "warn", fix: `name the package directory instead: ${dir}` })
    expect(c!.found).toBe(
      `opencode.json (global) names the file ${file}: OpenCode 2 skips a plugin that is a single file`,
    )
  })

  it("the directory (or the npm name) in plugins: ✓, the TUI half from the package or cli.json", async () => {
    const { dir } = checkout()
    write("project", "opencode.jsonc", { plugins: [{ package: dir, options: { model: "apply" } }] })
    expect(of(await run(v2), "plugin")).toEqual([
      expect.objectContaining({
        status: "ok",
        found: "OpenCode 2 loads glm-quota from opencode.jsonc (project); its TUI half from the package",
      }),
    ])
    write("global", "cli.json", { plugins: ["glm-quota@0.1.0"] })
    expect(of(await run(v2), "plugin")[0]!.found).toMatch(/its TUI half also from cli\.json \(global\)$/)
  })

  it("a glm-quota directory under <config>/plugins/ loads by itself in 2.x: ✓ without any entry", async () => {
    const dir = join(home.env.XDG_CONFIG_HOME!, "opencode", "plugins", "glm-quota")
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "glm-quota" }))
    const [c] = of(await run(v2), "plugin")
    expect(c).toMatchObject({ status: "ok" })
    expect(c!.found).toBe(
      `OpenCode 2 loads glm-quota from ${join(home.env.XDG_CONFIG_HOME!, "opencode", "plugins")}/; its TUI half from the package`,
    )
  })

  it("a 2.x plugins entry holds both halves' options: widget and model pass, an unknown name is named once", async () => {
    write("global", "opencode.json", {
      plugins: [{ package: "glm-quota", options: { widget: "sidebar", model: "apply" } }],
    })
    expect(of(await run(v2), "plugin").filter((c) => c.status !== "ok")).toEqual([])
    write("global", "opencode.json", { plugins: [{ package: "glm-quota", options: { widget: "sidebar", colour: 1 } }] })
    const found = of(await run(v2), "plugin").map((c) => c.found)
    expect(found).toContain(
      "glm-quota options in opencode.json (global) not used, defaults in their place: colour (unknown option)",
    )
  })

  it("invalid options of a { package, options } entry and of cli.json are named", async () => {
    write("global", "opencode.json", { plugins: [{ package: "glm-quota", options: { model: "always" } }] })
    write("global", "cli.json", { plugins: [["glm-quota", { refreshInterval: 5 }]] })
    const found = of(await run(v2), "plugin").map((c) => c.found)
    expect(found).toContain(
      "glm-quota options in opencode.json (global) not used, defaults in their place: model (use suggest, apply or off)",
    )
    expect(found).toContain(
      "glm-quota options in cli.json (global) not used, defaults in their place: refreshInterval (expected seconds from 30 to 3600; the default 60 is used)",
    )
  })

  it("only in tui.json with 2.x: ⚠ (2.x has no tui.json); only under plugins with 1.x: ⚠ (1.x reads plugin)", async () => {
    write("global", "tui.json", { plugin: ["glm-quota"] })
    expect(of(await run(v2), "plugin")[0]).toMatchObject({
      status: "warn",
      found: "glm-quota is only in tui.json, which OpenCode 2 does not read",
    })
    write("global", "opencode.json", { plugins: ["glm-quota"] })
    expect(of(await run(v1), "plugin")[0]).toMatchObject({
      status: "warn",
      found: 'glm-quota is under "plugins" in opencode.json (global), which OpenCode 1.x does not read',
    })
  })
})
