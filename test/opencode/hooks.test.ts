// The plugin's hooks driven directly, with a small fake client and a real loopback simulator.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Hooks, PluginInput } from "@opencode-ai/plugin"
import plugin from "../../src/index.ts"
import { COMMAND, SENTINEL } from "../../src/opencode/plugin.ts"
import { PATHS } from "../../src/zai/client.ts"
import { startSimulator, type Simulator } from "../../src/zai/simulator.ts"
import { CANARY_KEY, until } from "../helpers.ts"

interface Fake {
  input: PluginInput
  toasts: { title: string; message: string; variant: string }[]
  prompts: { path: { id: string }; body: { noReply: boolean; parts: { type: string; text: string; ignored?: boolean }[] } }[]
  logs: { level: string; message: string }[]
}

function fakeClient(): Fake {
  const f: Omit<Fake, "input"> = { toasts: [], prompts: [], logs: [] }
  const client = {
    app: { log: async (x: { body: { level: string; message: string } }) => (f.logs.push(x.body), true) },
    tui: { showToast: async (x: { body: Fake["toasts"][number] }) => (f.toasts.push(x.body), true) },
    session: { prompt: async (x: Fake["prompts"][number]) => (f.prompts.push(x), {}) },
  }
  return { ...f, input: { client, directory: "/tmp", worktree: "/tmp" } as unknown as PluginInput }
}

const NOW = "2026-03-02T07:30:00Z" // Monday 15:30 Beijing: quota and throttle peak
let sim: Simulator
let cacheHome: string
beforeAll(async () => {
  cacheHome = mkdtempSync(join(tmpdir(), "glmq-hooks-"))
  process.env.XDG_CACHE_HOME = cacheHome
  process.env.XDG_STATE_HOME = cacheHome
  process.env.XDG_DATA_HOME = cacheHome
  process.env.ZAI_API_KEY = CANARY_KEY
  process.env.TZ = "UTC"
  sim = await startSimulator({ now: () => new Date(Date.parse(NOW)) })
})
afterAll(async () => {
  await sim.close()
  rmSync(cacheHome, { recursive: true, force: true })
})

let instance = 0
/** A fresh plugin instance with its own service (distinct baseUrl query), at a pinned clock. */
async function load(options: Record<string, unknown> = {}, now = NOW): Promise<{ hooks: Hooks; fake: Fake }> {
  process.env.GLM_QUOTA_NOW = now
  const fake = fakeClient()
  const hooks = await plugin.server(fake.input, { baseUrl: `${sim.url}/?i=${instance++}`, ...options })
  return { hooks, fake }
}

const settle = () => new Promise((r) => setTimeout(r, 150))
/**
 * Waits for the plugin's start-up refresh to land: a tool call shares that one request in flight (or reads the
 * snapshot it left), so once it answers the hooks see the reading. A fixed sleep was not enough on a loaded CI machine.
 */
const ready = async (hooks: Hooks) => void (await hooks.tool!.glm_quota!.execute({}, {} as never))
const ev = (type: string, properties: Record<string, unknown>) => ({ event: { type, properties } }) as never

describe("entry", () => {
  it("exports only the default plugin object", async () => {
    const mod = await import("../../src/index.ts")
    expect(Object.keys(mod)).toEqual(["default"])
    expect(mod.default.id).toBe("glm-quota")
    expect(typeof mod.default.server).toBe("function")
  })

  it("start-up returns without waiting on the network", async () => {
    // Every answer is held back until the factory has returned: a factory that waited for one would never return.
    const release = sim.hold()
    const before = sim.count()
    try {
      const { hooks } = await load()
      expect(hooks.tool).toBeDefined()
      await until(() => sim.count() > before)
      expect(sim.count(), "the start-up refresh went out, and is still unanswered").toBeGreaterThan(before)
    } finally {
      release()
    }
  })

  it("invalid options: one warning toast naming them, defaults used", async () => {
    const { hooks, fake } = await load({ thresholds: "lots", policy: "yolo", refreshInterval: 5, bogus: 1 })
    await hooks["chat.message"]!({ sessionID: "s1", model: { providerID: "zai-coding-plan", modelID: "glm-4.7" } } as never, {} as never)
    await hooks["chat.message"]!({ sessionID: "s1" } as never, {} as never)
    const warn = fake.toasts.filter((t) => t.title.includes("invalid options"))
    expect(warn).toHaveLength(1)
    expect(warn[0]!.message).toMatch(/thresholds.*policy.*refreshInterval/)
    expect(warn[0]!.message).toMatch(/bogus/)
  })
})

describe("/glm-quota", () => {
  it("registers the command through the config hook", async () => {
    const { hooks } = await load()
    const cfg: Record<string, unknown> = {}
    await hooks.config!(cfg as never)
    expect((cfg.command as Record<string, { description: string }>)[COMMAND]!.description).toMatch(/no model call/)
  })

  it("posts the Markdown report as an ignored no-reply message, then stops the model call", async () => {
    sim.set({ fiveHourPercent: 37, weeklyPercent: 41 })
    const { hooks, fake } = await load()
    await expect(hooks["command.execute.before"]!({ command: COMMAND, sessionID: "ses_1", arguments: "" }, { parts: [] })).rejects.toThrow(SENTINEL)
    expect(fake.prompts).toHaveLength(1)
    const p = fake.prompts[0]!
    expect(p.path.id).toBe("ses_1")
    expect(p.body.noReply).toBe(true)
    expect(p.body.parts[0]!.ignored).toBe(true)
    const text = p.body.parts[0]!.text
    expect(text).toContain("GLM Coding Plan · Pro")
    expect(text).toMatch(/\*\*5-hour\*\* `█+░+` 37 % used/)
    expect(text).toMatch(/\*\*Weekly\*\* `█+░+` 41 % used/)
    expect(text).toMatch(/\*\*MCP tools \(month\)\*\*.*147 \/ 1,000 calls/)
    expect(text).toContain("search-prime 84")
    expect(text).toMatch(/Peak hours \(quota, throttle\) until 18:00 Beijing time/)
    expect(text).toMatch(/\*\*Model:\*\* glm-4\.7 — peak hours until 18:00 Beijing time: GLM-5-class models cost 3× quota \(1× off-peak\)/)
    expect(text).not.toContain(CANARY_KEY)
  })

  it("full adds the 24 h history; json posts the contract", async () => {
    const { hooks, fake } = await load()
    await hooks["command.execute.before"]!({ command: COMMAND, sessionID: "s", arguments: "full" }, { parts: [] }).catch(() => undefined)
    await hooks["command.execute.before"]!({ command: COMMAND, sessionID: "s", arguments: "json" }, { parts: [] }).catch(() => undefined)
    expect(fake.prompts[0]!.body.parts[0]!.text).toMatch(/Last 24 h: [\d,]+ model calls/)
    const json = fake.prompts[1]!.body.parts[0]!.text
    const body = JSON.parse(json.replace(/^```json\n/, "").replace(/```$/, ""))
    expect(body.schema).toBe(1)
    expect(body.plan).toBe("pro")
  })

  it("a failure posts the CLI's one sentence", async () => {
    sim.set({ keys: ["another"] })
    const { hooks, fake } = await load()
    await hooks["command.execute.before"]!({ command: COMMAND, sessionID: "s", arguments: "" }, { parts: [] }).catch(() => undefined)
    expect(fake.prompts[0]!.body.parts[0]!.text).toMatch(/^\*\*glm-quota:\*\* The quota API rejected your key .*\.$/)
    sim.set({ keys: [] })
  })

  it("other commands pass untouched", async () => {
    const { hooks, fake } = await load()
    await hooks["command.execute.before"]!({ command: "init", sessionID: "s", arguments: "" }, { parts: [] })
    expect(fake.prompts).toHaveLength(0)
  })
})

describe("request guard", () => {
  it("wraps the fetch of declared coding-plan providers and of providers on a Z.ai host; off leaves them alone", async () => {
    const { hooks } = await load()
    const cfg = { provider: { "zai-coding-plan": { options: {} }, relay: { options: { baseURL: "https://api.z.ai/api/coding/paas/v4" } }, other: { options: { baseURL: "https://example.com/v1" } } } } as Record<string, Record<string, { options: Record<string, unknown> }>>
    await hooks.config!(cfg as never)
    expect(typeof cfg.provider!["zai-coding-plan"]!.options.fetch).toBe("function")
    expect(typeof cfg.provider!.relay!.options.fetch).toBe("function")
    expect(cfg.provider!.other!.options.fetch).toBeUndefined()
    const off = await load({ guard: "off" })
    const cfg2 = { provider: { "zai-coding-plan": { options: {} } } } as Record<string, Record<string, { options: Record<string, unknown> }>>
    await off.hooks.config!(cfg2 as never)
    expect(cfg2.provider!["zai-coding-plan"]!.options.fetch).toBeUndefined()
  })

  it("/glm-quota shows the guard's requests in flight, queued and retried", async () => {
    const { hooks, fake } = await load()
    await hooks["command.execute.before"]!({ command: COMMAND, sessionID: "g", arguments: "" }, { parts: [] }).catch(() => undefined)
    expect(fake.prompts[0]!.body.parts[0]!.text).toMatch(/Request guard \(this OpenCode process\): \d+ in flight, \d+ queued, \d+ retried after 1302\/1305/)
  })
})

describe("tools", () => {
  it("glm_quota gives the report or one window; glm_model the model and why", async () => {
    const { hooks } = await load()
    const ctx = {} as never
    expect(await hooks.tool!.glm_quota!.execute({}, ctx)).toContain("GLM Coding Plan · Pro")
    expect(await hooks.tool!.glm_quota!.execute({ window: "five_hour" }, ctx)).toMatch(/^5-hour: \d+ % used; resets/)
    expect(await hooks.tool!.glm_model!.execute({}, ctx)).toMatch(/^glm-4\.7 \(GLM-4\.7 class\) — peak hours until 18:00 Beijing time/)
  })
})

describe("warnings", () => {
  it("peak: once per period on session start and first message; none on a Saturday", async () => {
    const { hooks, fake } = await load()
    await hooks.event!(ev("session.created", { info: { id: "a" } }))
    await hooks["chat.message"]!({ sessionID: "a" } as never, {} as never)
    await hooks.event!(ev("session.idle", { sessionID: "a" }))
    const peak = fake.toasts.filter((t) => t.title === "GLM peak hours")
    expect(peak).toHaveLength(1)
    expect(peak[0]!.message).toMatch(/until 18:00 Beijing time \(10:00 your time\).*3× quota.*1302/)

    const sat = await load({}, "2026-03-07T07:30:00Z")
    await sat.hooks.event!(ev("session.created", { info: { id: "b" } }))
    await sat.hooks["chat.message"]!({ sessionID: "b" } as never, {} as never)
    expect(sat.fake.toasts.filter((t) => t.title === "GLM peak hours")).toHaveLength(0)
  })

  it("never in subagent sessions", async () => {
    const { hooks, fake } = await load()
    await hooks.event!(ev("session.created", { info: { id: "child", parentID: "parent" } }))
    await hooks["chat.message"]!({ sessionID: "child", model: { providerID: "zai-coding-plan", modelID: "glm-5" } } as never, {} as never)
    await hooks.event!(ev("session.idle", { sessionID: "child" }))
    expect(fake.toasts).toHaveLength(0)
  })

  it("quota: one toast at 85 % of the five-hour window, not two; another at 95 %", async () => {
    sim.set({ fiveHourPercent: 85, weeklyPercent: 10 })
    const { hooks, fake } = await load({ toasts: true }, "2026-03-07T07:30:00Z")
    await ready(hooks)
    await hooks.event!(ev("session.idle", { sessionID: "q" }))
    await hooks.event!(ev("session.idle", { sessionID: "q" }))
    const q = () => fake.toasts.filter((t) => t.title.startsWith("GLM 5-hour window"))
    expect(q()).toHaveLength(1)
    expect(q()[0]!.title).toBe("GLM 5-hour window 85 % used")
    sim.set({ fiveHourPercent: 96 })
    const more = await load({ refreshInterval: 30 }, "2026-03-07T07:30:00Z")
    await ready(more.hooks)
    await more.hooks.event!(ev("session.idle", { sessionID: "q" }))
    expect(more.fake.toasts.filter((t) => t.title.startsWith("GLM 5-hour window"))).toHaveLength(1)
    expect(more.fake.toasts.find((t) => t.title.startsWith("GLM 5-hour window"))!.variant).toBe("error")
    sim.set({ fiveHourPercent: 37, weeklyPercent: 41 })
  })

  it("model: GLM-5 at quota peak under balanced, and on a plan without it", async () => {
    const { hooks, fake } = await load()
    await ready(hooks)
    await hooks["chat.message"]!({ sessionID: "m", model: { providerID: "zai-coding-plan", modelID: "glm-5" } } as never, {} as never)
    expect(fake.toasts.find((t) => t.title === "GLM-5 class costs more right now")?.message).toMatch(/GLM-5-class models cost 3× quota \(1× off-peak\)\. glm-4\.7 is the better pick/)

    sim.set({ plan: "lite" })
    const lite = await load({}, "2026-03-07T07:30:00Z")
    await ready(lite.hooks)
    await lite.hooks["chat.message"]!({ sessionID: "l", model: { providerID: "zai-coding-plan", modelID: "glm-5" } } as never, {} as never)
    expect(lite.fake.toasts.find((t) => t.title === "GLM-5 class not in your plan")?.message).toMatch(/Lite plan does not include \(error 1311\): switch to glm-4\.7 with \/models/)
    sim.set({ plan: "pro" })
  })

  it("provider errors: advice for 1311 and 1308 with the reset time", async () => {
    const { hooks, fake } = await load({}, "2026-03-07T07:30:00Z")
    await hooks.event!(ev("session.error", { sessionID: "e", error: { name: "APIError", data: { message: "Too Many Requests", statusCode: 429, responseBody: '{"error":{"code":"1311","message":"model not available"}}' } } }))
    expect(fake.toasts.at(-1)!.title).toMatch(/not in your plan \(1311\)/)
    await hooks.event!(ev("session.error", { sessionID: "e", error: { data: { responseBody: '{"type":"error","error":{"type":"rate_limit_error","message":"[1308][Usage limit reached for 5 hour. Your limit will reset at 2026-03-07 18:12:00]"}}' } } }))
    expect(fake.toasts.at(-1)!.message).toMatch(/comes back at .*18:12 Beijing time \(10:12 your time\)/)
  })

  it("toasts: false silences every warning", async () => {
    const { hooks, fake } = await load({ toasts: false })
    await hooks.event!(ev("session.created", { info: { id: "z" } }))
    await hooks["chat.message"]!({ sessionID: "z", model: { providerID: "zai-coding-plan", modelID: "glm-5" } } as never, {} as never)
    expect(fake.toasts).toHaveLength(0)
  })

  it("hooks never throw, whatever they are given", async () => {
    const { hooks } = await load()
    await expect(hooks.event!({ event: { type: "session.error", properties: null } } as never)).resolves.toBeUndefined()
    await expect(hooks.event!({ event: { type: "session.created" } } as never)).resolves.toBeUndefined()
    await expect(hooks["chat.message"]!(undefined as never, undefined as never)).resolves.toBeUndefined()
    await expect(hooks.config!(null as never)).resolves.toBeUndefined()
  })
})

describe("request economy", () => {
  it("100 commands, tool calls and toast checks within one interval: one quota request", async () => {
    const own = await startSimulator({ state: { latencyMs: 50 } })
    const { hooks } = await load({ baseUrl: own.url })
    const work: Promise<unknown>[] = []
    for (let i = 0; i < 34; i++) {
      work.push(hooks["command.execute.before"]!({ command: COMMAND, sessionID: `s${i}`, arguments: "" }, { parts: [] }).catch(() => undefined))
      work.push(hooks.tool!.glm_model!.execute({}, {} as never))
      work.push(hooks.event!(ev("session.idle", { sessionID: `s${i}` })))
    }
    await Promise.all(work)
    await settle()
    expect(own.count(PATHS.quota)).toBe(1)
    await own.close()
  })
})

describe("a key added while OpenCode runs", () => {
  it("is picked up without a restart (looked for again after 30 s)", async () => {
    const { QuotaService } = await import("../../src/opencode/service.ts")
    const { DEFAULTS } = await import("../../src/opencode/options.ts")
    let t = Date.parse("2026-03-07T07:30:00Z")
    const env: Record<string, string | undefined> = { XDG_CACHE_HOME: cacheHome, XDG_DATA_HOME: `${cacheHome}/none` }
    const service = new QuotaService({ ...DEFAULTS, baseUrl: sim.url }, { env, fetch, now: () => new Date(t) })
    expect(await service.get()).toMatchObject({ ok: false, error: { kind: "no_key" } })
    env.ZAI_API_KEY = CANARY_KEY
    t += 10_000
    expect((await service.get()).ok).toBe(false) // not looked for again yet
    t += 25_000
    expect((await service.get()).ok).toBe(true)
  })
})

describe("start-up failures", () => {
  it("a factory that cannot start returns a plugin that does nothing, and logs why", async () => {
    const logs: unknown[] = []
    const client = { app: { log: async (x: unknown) => (logs.push(x), true) } }
    const hooks = await plugin.server({ client, get directory(): string { throw new Error("boom") } } as unknown as PluginInput, { get refreshInterval(): number { throw new Error("options exploded") } })
    expect(hooks).toEqual({})
    expect(JSON.stringify(logs)).toMatch(/could not start: options exploded/)
  })
})
