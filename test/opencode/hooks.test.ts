// The plugin's hooks driven directly, with a small fake client and a real loopback simulator. Every instance is built
// by the factory over its own env (its own HOME), its own process state and a clock the test holds: nothing is read
// from process.env, and nothing is shared between tests but the simulator.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import type { Hooks, PluginInput } from "@opencode-ai/plugin"
import { createPlugin } from "../../src/opencode/plugin.ts"
import { COMMAND } from "../../src/opencode/instance.ts"
import { SENTINEL } from "../../src/opencode/command.ts"
import { createServerState } from "../../src/opencode/state.ts"
import { LocalStore, stateDir } from "../../src/local/store.ts"
import { PATHS } from "../../src/zai/client.ts"
import { DEMO_STATE, startSimulator, type SimState, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, ROOT, until, type TempHome } from "../helpers.ts"
import { drain, homes, pluginEnv, startServer, testClock, type TestClock } from "./support.ts"

interface Fake {
  input: PluginInput
  toasts: { title: string; message: string; variant: string }[]
  prompts: {
    path: { id: string }
    body: { noReply: boolean; parts: { type: string; text: string; ignored?: boolean }[] }
  }[]
  logs: { level: string; message: string }[]
}

/** `providers`: what `client.config.providers()` answers (GET /config/providers); without it the client has no `config`. */
function fakeClient(providers?: unknown[]): Fake {
  const f: Omit<Fake, "input"> = { toasts: [], prompts: [], logs: [] }
  const client: Record<string, unknown> = {
    app: { log: async (x: { body: { level: string; message: string } }) => (f.logs.push(x.body), true) },
    tui: { showToast: async (x: { body: Fake["toasts"][number] }) => (f.toasts.push(x.body), true) },
    session: { prompt: async (x: Fake["prompts"][number]) => (f.prompts.push(x), {}) },
  }
  if (providers !== undefined) client.config = { providers: async () => ({ data: { providers } }) }
  return { ...f, input: { client, directory: "/tmp", worktree: "/tmp" } as unknown as PluginInput }
}

/** A zai-coding-plan provider as GET /config/providers lists it. */
const codingPlan = (ids: string[]) => ({
  id: "zai-coding-plan",
  models: Object.fromEntries(ids.map((id) => [id, {}])),
  options: {},
})

const NOW = "2026-03-02T07:30:00Z" // Monday 15:30 Beijing: quota and throttle peak
const SATURDAY = "2026-03-07T07:30:00Z"
const SIM_START: SimState = { ...DEMO_STATE, latencyMs: 0, fault: null, dateOffsetMs: null }
let sim: Simulator
const home = homes("glmq-hooks-")
const sims: Simulator[] = []
beforeAll(async () => {
  sim = await startSimulator({ now: () => new Date(Date.parse(NOW)) })
})
// The shared simulator starts every test as it started the first: a test that failed half-way leaves nothing behind.
afterEach(() => sim.set({ ...SIM_START }))
/** Every instance made, drained before the HOMEs go (a refresh still in flight would write into a removed one). */
const instances: Hooks[] = []
afterAll(async () => {
  await Promise.all(instances.map(drain))
  await Promise.all([sim.close(), ...sims.map((s) => s.close())])
  home.cleanup()
})

/** A simulator of the test's own, on the test's clock (its resets move with it). */
async function ownSim(clock: TestClock, state: Partial<SimState> = {}): Promise<Simulator> {
  const s = await startSimulator({ now: clock.now, state })
  sims.push(s)
  return s
}

interface Loaded {
  hooks: Hooks
  fake: Fake
  home: TempHome
}

interface LoadAt {
  /** The instance's clock: an instant it stays at, or a clock the test moves. Default NOW. */
  now?: string | (() => Date)
  /** What the client's config.providers() lists. */
  providers?: unknown[]
}

/** A fresh plugin instance: its own HOME, its own process state, its own clock. */
async function load(options: Record<string, unknown> = {}, at: LoadAt = {}): Promise<Loaded> {
  const fake = fakeClient(at.providers)
  const h = home.make()
  const pinned = typeof at.now === "string" || at.now === undefined ? Date.parse(at.now ?? NOW) : null
  const now = pinned === null ? (at.now as () => Date) : () => new Date(pinned)
  const hooks = await startServer(fake.input, { baseUrl: sim.url, ...options }, { env: pluginEnv(h), now })
  instances.push(hooks)
  return { hooks, fake, home: h }
}

const settle = () => new Promise((r) => setTimeout(r, 150))
/**
 * Waits for the plugin's start-up refresh to land: a tool call shares that one request in flight (or reads the
 * snapshot it left), so once it answers the hooks see the reading. A fixed sleep was not enough on a loaded CI machine.
 */
const ready = async (hooks: Hooks) => void (await hooks.tool!.glm_quota!.execute({}, {} as never))
const ev = (type: string, properties: Record<string, unknown>) => ({ event: { type, properties } }) as never

describe("entry", () => {
  it("exports only the default plugin object, with the manifest's id", async () => {
    const mod = await import("../../src/index.ts")
    expect(Object.keys(mod)).toEqual(["default"])
    expect(mod.default.id).toBe("glm-quota")
    // plugin.json names the same plugin (test/opencode/manifest.test.ts checks the rest of it, through the factory).
    expect(JSON.parse(readFileSync(join(ROOT, "plugin.json"), "utf8")).id).toBe(mod.default.id)
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
    await hooks["chat.message"]!(
      { sessionID: "s1", model: { providerID: "zai-coding-plan", modelID: "glm-4.7" } } as never,
      {} as never,
    )
    await hooks["chat.message"]!({ sessionID: "s1" } as never, {} as never)
    const warn = fake.toasts.filter((t) => t.title.includes("invalid options"))
    expect(warn).toHaveLength(1)
    expect(warn[0]!.message).toMatch(/thresholds.*policy.*refreshInterval/)
    expect(warn[0]!.message).toMatch(/bogus/)
  })

  it("a GLM_QUOTA_NOW in the env it is given that is not a date is named, and the clock it is given is used", async () => {
    const fake = fakeClient()
    const h = home.make()
    const hooks = await startServer(
      fake.input,
      { baseUrl: sim.url },
      { env: pluginEnv(h, { GLM_QUOTA_NOW: "soon" }), now: () => new Date(Date.parse(SATURDAY)) },
    )
    instances.push(hooks)
    await hooks["chat.message"]!({ sessionID: "c" } as never, {} as never)
    expect(fake.toasts.filter((t) => t.title.includes("invalid options")).map((t) => t.message)).toEqual([
      "Ignored, defaults used: GLM_QUOTA_NOW (not a date).",
    ])
    // Saturday off-peak, as the injected clock says (neither the real clock nor GLM_QUOTA_NOW was read).
    expect(await hooks.tool!.glm_model!.execute({}, {} as never)).toMatch(/^glm-5 .*off-peak/)
  })
})

describe("/glm-quota", () => {
  it("registers the command through the config hook", async () => {
    const { hooks } = await load()
    const cfg: Record<string, unknown> = {}
    await hooks.config!(cfg as never)
    expect((cfg.command as Record<string, { description: string }>)[COMMAND]!.description).toMatch(/no model call/)
  })

  it("posts the report as plain lines in an ignored no-reply message, then stops the model call", async () => {
    sim.set({ fiveHourPercent: 37, weeklyPercent: 41 })
    const { hooks, fake } = await load()
    await expect(
      hooks["command.execute.before"]!({ command: COMMAND, sessionID: "ses_1", arguments: "" }, { parts: [] }),
    ).rejects.toThrow(SENTINEL)
    expect(fake.prompts).toHaveLength(1)
    const p = fake.prompts[0]!
    expect(p.path.id).toBe("ses_1")
    expect(p.body.noReply).toBe(true)
    expect(p.body.parts[0]!.ignored).toBe(true)
    const text = p.body.parts[0]!.text
    expect(text).toContain("GLM Coding Plan · Pro")
    // A user message is drawn as it is in 1.18.33's TUI: no Markdown marker, lines of at most 72 columns.
    expect(text).not.toMatch(/\*\*|`|^- /m)
    for (const line of text.split("\n")) expect(line.length, line).toBeLessThanOrEqual(72)
    const flat = text.replace(/\s+/g, " ")
    expect(text).toMatch(/5-hour +█+░+ +37 %/)
    expect(text).toMatch(/Weekly +█+░+ +41 %/)
    expect(flat).toMatch(/MCP tools \(month\) .*147 \/ 1,000 calls/)
    expect(flat).toContain("search-prime 84")
    expect(flat).toMatch(/Peak hours \(quota, throttle\) until 18:00 Beijing time/)
    expect(flat).toMatch(
      /Model: glm-4\.7 — peak hours until 18:00 Beijing time: GLM-5-class models cost 3× quota \(1× off-peak\)/,
    )
    expect(text).not.toContain(CANARY_KEY)
  })

  it("full adds the 24 h history; json posts the contract", async () => {
    const { hooks, fake } = await load()
    await hooks["command.execute.before"]!(
      { command: COMMAND, sessionID: "s", arguments: "full" },
      { parts: [] },
    ).catch(() => undefined)
    await hooks["command.execute.before"]!(
      { command: COMMAND, sessionID: "s", arguments: "json" },
      { parts: [] },
    ).catch(() => undefined)
    expect(fake.prompts[0]!.body.parts[0]!.text).toMatch(/Last 24 h: [\d,]+ model calls/)
    const json = fake.prompts[1]!.body.parts[0]!.text
    const body = JSON.parse(json) // plain JSON: a user message, drawn as it is
    expect(json).not.toContain("```")
    expect(body.schema).toBe(1)
    expect(body.plan).toBe("pro")
  })

  it("a failure posts the CLI's one sentence", async () => {
    sim.set({ keys: ["another"] })
    const { hooks, fake } = await load()
    await hooks["command.execute.before"]!({ command: COMMAND, sessionID: "s", arguments: "" }, { parts: [] }).catch(
      () => undefined,
    )
    expect(fake.prompts[0]!.body.parts[0]!.text).toMatch(/^glm-quota: The quota API rejected your key .*\.$/)
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
    const cfg = {
      provider: {
        "zai-coding-plan": { options: {} },
        relay: { options: { baseURL: "https://api.z.ai/api/coding/paas/v4" } },
        other: { options: { baseURL: "https://example.com/v1" } },
      },
    } as Record<string, Record<string, { options: Record<string, unknown> }>>
    await hooks.config!(cfg as never)
    expect(typeof cfg.provider!["zai-coding-plan"]!.options.fetch).toBe("function")
    expect(typeof cfg.provider!.relay!.options.fetch).toBe("function")
    expect(cfg.provider!.other!.options.fetch).toBeUndefined()
    const off = await load({ guard: "off" })
    const cfg2 = { provider: { "zai-coding-plan": { options: {} } } } as Record<
      string,
      Record<string, { options: Record<string, unknown> }>
    >
    await off.hooks.config!(cfg2 as never)
    expect(cfg2.provider!["zai-coding-plan"]!.options.fetch).toBeUndefined()
  })

  it("/glm-quota shows the guard's requests in flight, queued and retried", async () => {
    const { hooks, fake } = await load()
    await hooks["command.execute.before"]!({ command: COMMAND, sessionID: "g", arguments: "" }, { parts: [] }).catch(
      () => undefined,
    )
    expect(fake.prompts[0]!.body.parts[0]!.text.replace(/\s+/g, " ")).toMatch(
      /Request guard \(this OpenCode process\): \d+ in flight, \d+ queued, \d+ retried after 1302\/1305/,
    )
  })
})

describe("tools", () => {
  it("glm_quota gives the report or one window; glm_model the model and why", async () => {
    const { hooks } = await load()
    const ctx = {} as never
    expect(await hooks.tool!.glm_quota!.execute({}, ctx)).toContain("GLM Coding Plan · Pro")
    expect(await hooks.tool!.glm_quota!.execute({ window: "five_hour" }, ctx)).toMatch(/^5-hour: \d+ % used; resets/)
    expect(await hooks.tool!.glm_model!.execute({}, ctx)).toMatch(
      /^glm-4\.7 \(GLM-4\.7 class\) — peak hours until 18:00 Beijing time/,
    )
  })

  it("a bad argument is the model's error to fix, not a report (OpenCode 1.18.33 passes arguments unchecked)", async () => {
    const { hooks } = await load()
    const bad = hooks.tool!.glm_quota!.execute({ window: "yearly" } as never, {} as never)
    await expect(bad).rejects.toThrow(/^The glm_quota tool was called with invalid arguments: .*window/s)
    await expect(hooks.tool!.glm_quota!.execute({ window: 5 } as never, {} as never)).rejects.toThrow(
      /invalid arguments/,
    )
  })

  it("the agent is told the window argument's values and what it is for", () => {
    const args = (hooks: Hooks) => hooks.tool!.glm_quota!.args as Record<string, { description?: string }>
    return load().then(({ hooks }) => {
      expect(args(hooks).window!.description).toMatch(/^Which window: five_hour, weekly, mcp_monthly, or all/)
    })
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

    const sat = await load({}, { now: SATURDAY })
    await sat.hooks.event!(ev("session.created", { info: { id: "b" } }))
    await sat.hooks["chat.message"]!({ sessionID: "b" } as never, {} as never)
    expect(sat.fake.toasts.filter((t) => t.title === "GLM peak hours")).toHaveLength(0)
  })

  it("peak: a period that begins while a session is open gives one toast, none before", async () => {
    // Wednesday 25 Nov 2026 (a credit plan), 13:59 Beijing; the quota peak starts at 14:00.
    const clock = testClock("2026-11-25T05:59:00Z")
    const own = await ownSim(clock, { era: "credit" })
    const { hooks, fake } = await load({ baseUrl: own.url }, { now: clock.now })
    await ready(hooks)
    const peak = () => fake.toasts.filter((t) => t.title === "GLM peak hours")
    await hooks.event!(ev("session.created", { info: { id: "p" } }))
    await hooks["chat.message"]!({ sessionID: "p" } as never, {} as never)
    await hooks.event!(ev("session.idle", { sessionID: "p" }))
    clock.set("2026-11-25T05:59:59Z")
    await hooks.event!(ev("session.idle", { sessionID: "p" }))
    expect(peak(), "13:59 Beijing is not a peak yet").toHaveLength(0)
    clock.set("2026-11-25T06:01:00Z") // 14:01 Beijing
    await hooks.event!(ev("session.idle", { sessionID: "p" }))
    expect(peak()).toHaveLength(1)
    expect(peak()[0]!.message).toBe(
      "Peak hours (quota) until 18:00 Beijing time (10:00 your time): GLM-5-class models cost 1× credits (0.5× off-peak).",
    )
    // The rest of the period: no second toast, on any hook.
    clock.set("2026-11-25T06:40:00Z")
    await hooks["chat.message"]!({ sessionID: "p" } as never, {} as never)
    await hooks.event!(ev("session.idle", { sessionID: "p" }))
    await until(() => own.count(PATHS.quota) >= 2)
    await hooks.event!(ev("session.idle", { sessionID: "p" }))
    expect(peak()).toHaveLength(1)
  })

  it("never in subagent sessions", async () => {
    const { hooks, fake } = await load()
    await hooks.event!(ev("session.created", { info: { id: "child", parentID: "parent" } }))
    await hooks["chat.message"]!(
      { sessionID: "child", model: { providerID: "zai-coding-plan", modelID: "glm-5" } } as never,
      {} as never,
    )
    await hooks.event!(ev("session.idle", { sessionID: "child" }))
    expect(fake.toasts).toHaveLength(0)
  })

  it("quota: one toast at 85 % of the five-hour window, not two; another at 95 % once the window gets there", async () => {
    const clock = testClock(SATURDAY)
    const own = await ownSim(clock, { fiveHourPercent: 85, weeklyPercent: 10 })
    const { hooks, fake } = await load({ baseUrl: own.url, toasts: true }, { now: clock.now })
    await ready(hooks)
    await hooks.event!(ev("session.idle", { sessionID: "q" }))
    await hooks.event!(ev("session.idle", { sessionID: "q" }))
    const q = () => fake.toasts.filter((t) => t.title.startsWith("GLM 5-hour window"))
    expect(q()).toHaveLength(1)
    expect(q()[0]!.title).toBe("GLM 5-hour window 85 % used")
    expect(q()[0]!.variant).toBe("warning")
    // A refresh interval later the same instance reads 96 %: the higher threshold's toast, once.
    own.set({ fiveHourPercent: 96 })
    clock.advance(61_000)
    await hooks.event!(ev("session.idle", { sessionID: "q" })) // the entry is stale now: this turn starts a refresh
    await ready(hooks)
    await hooks.event!(ev("session.idle", { sessionID: "q" }))
    await hooks.event!(ev("session.idle", { sessionID: "q" }))
    expect(q().map((t) => t.title)).toEqual(["GLM 5-hour window 85 % used", "GLM 5-hour window 96 % used"])
    expect(q()[1]!.variant).toBe("error")
    expect(own.count(PATHS.quota)).toBe(2)
  })

  it("model: GLM-5 at quota peak under balanced, and on a plan without it", async () => {
    const { hooks, fake } = await load()
    await ready(hooks)
    await hooks["chat.message"]!(
      { sessionID: "m", model: { providerID: "zai-coding-plan", modelID: "glm-5" } } as never,
      {} as never,
    )
    // The peak and the model advice of that prompt in one toast, the title agreeing with the body (a session's first
    // prompt holds its toast back while the TUI moves from its home screen to the session).
    expect(fake.toasts).toHaveLength(0)
    await until(() => fake.toasts.length > 0, 5000)
    expect(fake.toasts).toHaveLength(1)
    expect(fake.toasts[0]!.title).toBe("GLM peak hours: use glm-4.7")
    expect(fake.toasts[0]!.message).toMatch(
      /^Peak hours \(quota, throttle\) until 18:00 Beijing time .*GLM-5-class models cost 3× quota \(1× off-peak\).* Until then glm-4\.7 is the better pick \(\/models\)\.$/,
    )

    sim.set({ plan: "lite" })
    const lite = await load({}, { now: SATURDAY })
    await ready(lite.hooks)
    await lite.hooks["chat.message"]!(
      { sessionID: "l", model: { providerID: "zai-coding-plan", modelID: "glm-5" } } as never,
      {} as never,
    )
    await until(() => lite.fake.toasts.length > 0, 5000)
    expect(lite.fake.toasts.find((t) => t.title === "GLM-5 class not in your plan")?.message).toMatch(
      /Lite plan does not include \(error 1311\): switch to glm-4\.7 with \/models/,
    )
  })

  it("runway: this machine's record rising fast in the last hour gives the runway toast, once", async () => {
    // Saturday (no peak); the five-hour window binds: 40 % at 10:00, 60 % twenty minutes later = 60 points an hour.
    const clock = testClock("2026-11-28T10:00:00Z")
    const own = await ownSim(clock, { era: "credit", fiveHourPercent: 40, weeklyPercent: 10 })
    const { hooks, fake } = await load({ baseUrl: own.url }, { now: clock.now })
    await ready(hooks) // the first snapshot in the record (a fresh answer is recorded)
    await hooks.event!(ev("session.created", { info: { id: "r" } }))
    await hooks.event!(ev("session.idle", { sessionID: "r" }))
    const runway = () => fake.toasts.filter((t) => t.title === "GLM 5-hour window runs out early")
    expect(runway(), "one snapshot says nothing about a pace").toHaveLength(0)
    own.set({ fiveHourPercent: 60 })
    clock.advance(20 * 60_000)
    await hooks.event!(ev("session.idle", { sessionID: "r" })) // starts the refresh; the update checks the record
    await until(() => runway().length > 0)
    await hooks.event!(ev("session.idle", { sessionID: "r" }))
    expect(runway()).toHaveLength(1)
    // 40 points left at 60 an hour: out at 11:00 UTC, 2h 1m before the reset at 13:01 (2h 41m after 10:20).
    expect(runway()[0]!.message).toBe(
      "At the current pace (60 points an hour) your 5-hour window runs out in 40m (19:00 Beijing time (11:00 your time)), 2h 1m before it resets at 21:01 Beijing time (13:01 your time). GLM-4.7 stretches what is left.",
    )
    expect(runway()[0]!.variant).toBe("warning")
  })

  it("provider errors: advice for 1311 (naming the id to pick) and 1308 with the reset time", async () => {
    sim.set({ plan: "lite" })
    const { hooks, fake } = await load({}, { now: SATURDAY })
    await ready(hooks)
    await hooks.event!(
      ev("session.error", {
        sessionID: "e",
        error: {
          name: "APIError",
          data: {
            message: "Too Many Requests",
            statusCode: 429,
            responseBody: '{"error":{"code":"1311","message":"model not available"}}',
          },
        },
      }),
    )
    expect(fake.toasts.at(-1)!.title).toBe("GLM: model not in your plan (1311)")
    // The Lite plan has no GLM-5-class model in March 2026: the one to pick is the recommended light id.
    expect(fake.toasts.at(-1)!.message).toBe(
      "Your plan does not include this model on this date: switch with /models to one it has, such as glm-4.7.",
    )
    await hooks.event!(
      ev("session.error", {
        sessionID: "e",
        error: {
          data: {
            responseBody:
              '{"type":"error","error":{"type":"rate_limit_error","message":"[1308][Usage limit reached for 5 hour. Your limit will reset at 2026-03-07 18:12:00]"}}',
          },
        },
      }),
    )
    expect(fake.toasts.at(-1)!.message).toMatch(/comes back at .*18:12 Beijing time \(10:12 your time\)/)
  })

  const ADVICE: { code: string; body: string; title: string; message: RegExp }[] = [
    {
      code: "1305",
      body: '{"error":{"code":"1305","message":"The service may be temporarily overloaded, please try again later"}}',
      title: "GLM: platform overloaded (1305)",
      message: /^Z\.ai's servers are overloaded right now: wait a minute and retry\.$/,
    },
    {
      code: "1310",
      body: '{"error":{"code":"1310","message":"Weekly/Monthly Limit Exhausted. Your limit will reset at 2026-03-09 00:00:00"}}',
      title: "GLM: weekly or monthly limit reached (1310)",
      message:
        /^Your weekly or monthly allowance is used up\. It comes back at Mon 00:00 Beijing time \(Sun 16:00 your time\)\. Run \/glm-quota to see which window\.$/,
    },
    {
      code: "1113",
      body: '{"error":{"code":"1113","message":"Insufficient balance or no resource package"}}',
      title: "GLM: wrong endpoint or key (1113)",
      message:
        /baseURL ends in \/api\/coding\/paas\/v4 and that the key's region matches \(api\.z\.ai or open\.bigmodel\.cn\)\.$/,
    },
  ]
  for (const a of ADVICE) {
    it(`provider errors: advice for ${a.code}, once`, async () => {
      const { hooks, fake } = await load({}, { now: SATURDAY })
      for (let i = 0; i < 2; i++)
        await hooks.event!(
          ev("session.error", {
            sessionID: "e",
            error: { name: "APIError", data: { statusCode: 429, responseBody: a.body } },
          }),
        )
      const shown = fake.toasts.filter((t) => t.title === a.title)
      expect(shown).toHaveLength(1)
      expect(shown[0]!.message).toMatch(a.message)
      expect(shown[0]!.variant).toBe("error")
    })
  }

  it("toasts: false silences every warning", async () => {
    const { hooks, fake } = await load({ toasts: false })
    await hooks.event!(ev("session.created", { info: { id: "z" } }))
    await hooks["chat.message"]!(
      { sessionID: "z", model: { providerID: "zai-coding-plan", modelID: "glm-5" } } as never,
      {} as never,
    )
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

describe("apply mode", () => {
  /** A config whose every write to `model` is kept: no id may pass through it that the provider does not list. */
  function liveConfig(start: string): { cfg: Record<string, unknown>; writes: string[] } {
    const writes: string[] = []
    let model = start
    const cfg: Record<string, unknown> = {}
    Object.defineProperty(cfg, "model", {
      enumerable: true,
      get: () => model,
      set: (v: string) => {
        writes.push(v)
        model = v
      },
    })
    return { cfg, writes }
  }
  const LISTED = ["glm-4.7", "glm-5.3", "glm-5.3-flash"]

  it("sets the listed heavy id off-peak once the refresh lands, the listed light one after a turn in the quota peak", async () => {
    // Wednesday 25 Nov 2026, a credit plan: 13:30 Beijing is off-peak; GLM-5.4 is in the catalog, but not listed.
    const clock = testClock("2026-11-25T05:30:00Z")
    const own = await ownSim(clock, { era: "credit" })
    const { hooks, fake } = await load(
      { baseUrl: own.url, model: "apply" },
      { now: clock.now, providers: [codingPlan(LISTED)] },
    )
    const { cfg, writes } = liveConfig("zai-coding-plan/glm-4.7")
    await hooks.config!(cfg as never)
    expect(cfg.model, "nothing known yet: the model is left as it is").toBe("zai-coding-plan/glm-4.7")
    // The providers' lists are asked once a session exists (never during the instance's bootstrap).
    await hooks.event!(ev("session.created", { info: { id: "s" } }))
    await until(() => cfg.model !== "zai-coding-plan/glm-4.7")
    expect(cfg.model).toBe("zai-coding-plan/glm-5.3")
    expect(fake.logs.map((l) => l.message)).toContainEqual(
      expect.stringMatching(/^model set to zai-coding-plan\/glm-5\.3: off-peak and quota to spare/),
    )
    await hooks.event!(ev("session.idle", { sessionID: "s" }))
    expect(cfg.model, "off-peak, a turn changes nothing").toBe("zai-coding-plan/glm-5.3")

    clock.set("2026-11-25T06:01:00Z") // 14:01 Beijing: the quota peak
    expect(cfg.model, "no hook ran yet").toBe("zai-coding-plan/glm-5.3")
    await hooks.event!(ev("session.idle", { sessionID: "s" }))
    expect(cfg.model).toBe("zai-coding-plan/glm-5.3-flash")
    expect(fake.logs.map((l) => l.message)).toContainEqual(
      expect.stringMatching(/^model set to zai-coding-plan\/glm-5\.3-flash: peak hours until 18:00 Beijing time/),
    )
    // The refresh that turn started lands: still the light id.
    await until(() => own.count(PATHS.quota) >= 2)
    await ready(hooks)
    await hooks.event!(ev("session.idle", { sessionID: "s" }))
    expect(writes).toEqual(["zai-coding-plan/glm-5.3", "zai-coding-plan/glm-5.3-flash"])
    for (const w of writes) expect(LISTED).toContain(w.slice("zai-coding-plan/".length))
    expect(fake.toasts.filter((t) => t.title === "glm-quota: model left as it is")).toHaveLength(0)
  })

  it("a list without a GLM-5-class id: the model is never set to a heavy id, not even off-peak", async () => {
    const clock = testClock("2026-11-25T05:30:00Z")
    const own = await ownSim(clock, { era: "credit" })
    const { hooks, fake } = await load(
      { baseUrl: own.url, model: "apply" },
      { now: clock.now, providers: [codingPlan(["glm-4.7", "glm-4.6"])] },
    )
    const { cfg, writes } = liveConfig("zai-coding-plan/glm-4.7")
    await hooks.config!(cfg as never)
    await hooks.event!(ev("session.created", { info: { id: "s" } }))
    await ready(hooks)
    // Once the list is known (the reason says so): the best listed id of the light class is glm-4.7, already set.
    const listed = /^glm-4\.7 \(GLM-4\.7 class\) — no GLM-5-class model of the Pro plan is listed/
    let said = ""
    for (let i = 0; i < 400 && !listed.test(said); i++) {
      said = String(await hooks.tool!.glm_model!.execute({}, {} as never))
      if (!listed.test(said)) await new Promise((r) => setTimeout(r, 5))
    }
    expect(said).toMatch(listed)
    await hooks.event!(ev("session.idle", { sessionID: "s" }))
    expect(cfg.model).toBe("zai-coding-plan/glm-4.7")
    expect(writes).toEqual([])
    expect(fake.toasts.filter((t) => t.title === "glm-quota: model left as it is")).toHaveLength(0)
  })

  it("a list without any GLM id: cfg.model is left alone, and why is said once (one log line, one toast)", async () => {
    const clock = testClock("2026-11-25T05:30:00Z")
    const own = await ownSim(clock, { era: "credit" })
    const { hooks, fake } = await load(
      { baseUrl: own.url, model: "apply" },
      { now: clock.now, providers: [codingPlan(["kimi-k2"])] },
    )
    const { cfg, writes } = liveConfig("zai-coding-plan/glm-4.7")
    await hooks.config!(cfg as never)
    await hooks.event!(ev("session.created", { info: { id: "s" } }))
    const left = () => fake.toasts.filter((t) => t.title === "glm-quota: model left as it is")
    await until(() => left().length > 0)
    await ready(hooks)
    for (let i = 0; i < 3; i++) await hooks.event!(ev("session.idle", { sessionID: "s" }))
    expect(cfg.model).toBe("zai-coding-plan/glm-4.7")
    expect(writes).toEqual([])
    expect(left()).toHaveLength(1)
    expect(left()[0]!.message).toBe(
      "zai-coding-plan does not list glm-5.3-flash, so the model stays zai-coding-plan/glm-4.7.",
    )
    expect(fake.logs.filter((l) => l.message.startsWith("apply: ")).map((l) => l.message)).toEqual([
      "apply: zai-coding-plan does not list glm-5.3-flash, so the model stays zai-coding-plan/glm-4.7",
    ])
  })
})

describe("request economy", () => {
  it("100 commands, tool calls and toast checks within one interval: one quota request", async () => {
    const own = await startSimulator({ state: { latencyMs: 50 } })
    const { hooks, home: h } = await load({ baseUrl: own.url })
    const work: Promise<unknown>[] = []
    for (let i = 0; i < 34; i++) {
      work.push(
        hooks["command.execute.before"]!({ command: COMMAND, sessionID: `s${i}`, arguments: "" }, { parts: [] }).catch(
          () => undefined,
        ),
      )
      work.push(hooks.tool!.glm_model!.execute({}, {} as never))
      work.push(hooks.event!(ev("session.idle", { sessionID: `s${i}` })))
    }
    await Promise.all(work)
    await settle()
    expect(own.count(PATHS.quota)).toBe(1)
    // One answer, one snapshot in this machine's record, however many callers shared it.
    const record = new LocalStore({ dir: stateDir(h.env), now: () => new Date(Date.parse(NOW)) }).read(0).records
    expect(record.filter((r) => r.kind === "snapshot")).toHaveLength(1)
    await own.close()
  })
})

describe("a key added while OpenCode runs", () => {
  it("the service looks for it again after 30 s", async () => {
    const { QuotaService } = await import("../../src/quota/service.ts")
    const { DEFAULTS } = await import("../../src/options/server.ts")
    let t = Date.parse(SATURDAY)
    const h = home.make()
    const env: Record<string, string | undefined> = {
      XDG_CACHE_HOME: h.env.XDG_CACHE_HOME,
      XDG_DATA_HOME: `${h.dir}/none`,
    }
    const service = new QuotaService({ ...DEFAULTS, baseUrl: sim.url }, { env, fetch, now: () => new Date(t) })
    expect(await service.get()).toMatchObject({ ok: false, error: { kind: "no_key" } })
    env.ZAI_API_KEY = CANARY_KEY
    t += 10_000
    expect((await service.get()).ok).toBe(false) // not looked for again yet
    t += 25_000
    expect((await service.get()).ok).toBe(true)
  })

  it("is picked up by the plugin without a restart", async () => {
    const clock = testClock(SATURDAY)
    const h = home.make()
    // The env the factory was given, as the process's env changes under it (a key written by /connect is the same).
    const env: Record<string, string | undefined> = { ...h.env, TZ: "UTC" }
    const fake = fakeClient()
    const hooks = await startServer(fake.input, { baseUrl: sim.url }, { env, now: clock.now })
    instances.push(hooks)
    expect(await hooks.tool!.glm_quota!.execute({}, {} as never)).toMatch(/^\*\*glm-quota:\*\* No GLM Coding Plan key/)
    env.ZAI_API_KEY = CANARY_KEY
    clock.advance(10_000)
    expect(await hooks.tool!.glm_quota!.execute({}, {} as never)).toMatch(/^\*\*glm-quota:\*\* No GLM Coding Plan key/) // not looked for again yet
    clock.advance(25_000)
    expect(await hooks.tool!.glm_quota!.execute({}, {} as never)).toContain("GLM Coding Plan · Pro")
  })
})

describe("start-up failures", () => {
  it("an instance that cannot start answers with a plain sentence instead, and logs why", async () => {
    const logs: unknown[] = []
    const client = { app: { log: async (x: unknown) => (logs.push(x), true) } }
    const plugin = createPlugin({
      env: pluginEnv(home.make()),
      fetch: globalThis.fetch,
      state: createServerState(),
      now: () => new Date(Date.parse(NOW)),
      load: () => import("../../src/opencode/instance.ts"),
    })
    const hooks = await plugin(
      {
        client,
        get directory(): string {
          throw new Error("boom")
        },
      } as unknown as PluginInput,
      {
        get refreshInterval(): number {
          throw new Error("options exploded")
        },
      },
    )
    // The factory itself reads neither: the start-up module offers the command and the tools all the same.
    expect(Object.keys(hooks.tool ?? {})).toEqual(["glm_quota", "glm_model"])
    expect(await hooks.tool!.glm_quota!.execute({}, {} as never)).toBe(
      "glm-quota could not start in this OpenCode process: see its log, then restart OpenCode.",
    )
    await hooks["chat.message"]!({ sessionID: "s" } as never, {} as never)
    await hooks.event!(ev("session.idle", { sessionID: "s" }))
    expect(JSON.stringify(logs)).toMatch(/could not start: options exploded/)
    expect(logs, "said once, not at every hook").toHaveLength(1)
    await hooks.dispose?.()
  })
})
