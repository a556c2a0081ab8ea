// /glm-quota where the user is: advice in OpenCode's terms (the plugin option, the provider id — not a CLI flag), and
// an answer within about two seconds when the monitor API hangs, the fresh report following as a second message.
import { afterAll, describe, expect, it } from "vitest"
import type { Hooks, PluginInput } from "@opencode-ai/plugin"
import { PATIENCE_MS, SENTINEL, WAITING_TEXT } from "../../src/opencode/command.ts"
import { inOpenCode } from "../../src/opencode/present.ts"
import { COMMAND } from "../../src/opencode/instance.ts"
import { problemDialog } from "../../src/tui/dialog-text.ts"
import { emptyBodyError, keyRejectedError } from "../../src/zai/errors.ts"
import { startSimulator, type SimState, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, until } from "../helpers.ts"
import { drain, homes, pluginEnv, startServer, testClock, type TestClock } from "./support.ts"

interface Prompt {
  path: { id: string }
  body: { noReply: boolean; parts: { type: string; text: string; ignored?: boolean }[] }
}

const NOW = "2026-03-02T07:30:00Z"
const home = homes("glmq-command-")
const sims: Simulator[] = []
const instances: Hooks[] = []
const releases: (() => void)[] = []
afterAll(async () => {
  for (const r of releases) r()
  await Promise.all(instances.map(drain))
  await Promise.all(sims.map((s) => s.close()))
  home.cleanup()
})

interface Loaded {
  hooks: Hooks
  prompts: Prompt[]
  toasts: { title: string; message: string }[]
  sim: Simulator
  clock: TestClock
}

/** A plugin instance over a simulator of its own (its hold gate stops nobody else), on a clock the test moves. */
async function load(state: Partial<SimState> = {}, holdFirst = false): Promise<Loaded> {
  const clock = testClock(NOW)
  const sim = await startSimulator({ now: clock.now, state })
  sims.push(sim)
  if (holdFirst) releases.push(sim.hold())
  const prompts: Prompt[] = []
  const toasts: Loaded["toasts"] = []
  const client = {
    app: { log: async () => true },
    tui: { showToast: async (x: { body: Loaded["toasts"][number] }) => (toasts.push(x.body), true) },
    session: { prompt: async (x: Prompt) => (prompts.push(x), {}) },
  }
  const input = { client, directory: "/tmp", worktree: "/tmp" } as unknown as PluginInput
  const hooks = await startServer(input, { baseUrl: sim.url }, { env: pluginEnv(home.make()), now: clock.now })
  instances.push(hooks)
  return { hooks, prompts, toasts, sim, clock }
}

const run = (hooks: Hooks, args = "") =>
  hooks["command.execute.before"]!({ command: COMMAND, sessionID: "s", arguments: args }, { parts: [] })
const textOf = (p: Prompt | undefined) => p?.body.parts[0]?.text ?? ""
/** The words of a wrapped text, each run of spaces and line breaks as one space. */
const flat = (t: string) => t.replace(/\s+/g, " ")

describe("/glm-quota advice inside OpenCode", () => {
  it("a rejected key: the posted sentence names the plugin option and the provider id, not the CLI flag", async () => {
    const { hooks, prompts } = await load({ keys: ["another"] })
    await expect(run(hooks)).rejects.toThrow(SENTINEL)
    const text = textOf(prompts[0])
    expect(text).toMatch(/^glm-quota: The quota API rejected your key/) // plain: a user message is drawn as it is
    expect(text).toContain('`"region": "china"` in the glm-quota plugin options of opencode.json')
    expect(text).toContain("zhipuai-coding-plan")
    expect(text).not.toContain("--region")
  })

  it("the glm_model tool says it the same way", async () => {
    const { hooks } = await load({ keys: ["another"] })
    const out = String(await hooks.tool!.glm_model!.execute({}, {} as never))
    expect(out).toContain('"region": "china"')
    expect(out).not.toContain("--region")
  })
})

describe("the TUI's dialog", () => {
  it("gives the same advice in OpenCode's terms, for either region", () => {
    const toChina = flat(problemDialog(keyRejectedError("international")).message)
    expect(toChina).toContain('`"region": "china"` in the glm-quota plugin options of opencode.json')
    const toIntl = flat(problemDialog(emptyBodyError("china")).message)
    expect(toIntl).toContain('`"region": "international"` in the glm-quota plugin options')
    expect(toIntl).toContain("provider in OpenCode is zai-coding-plan")
    expect(toIntl).toContain("GLM_QUOTA_BASE_URL")
    expect(`${toChina}${toIntl}`).not.toContain("--region")
    // A bare flag inside a sentence (the doctor's "or the zhipuai-coding-plan provider, --region china") reads as the option.
    expect(inOpenCode("use ZHIPU_API_KEY (or the zhipuai-coding-plan provider, --region china)")).toBe(
      'use ZHIPU_API_KEY (or the zhipuai-coding-plan provider, `"region": "china"` in the glm-quota plugin options)',
    )
  })
})

describe("/glm-quota while the quota API hangs", () => {
  it("no reading yet: a waiting line within ~2 s, then the fresh report as a second no-reply message", async () => {
    const { hooks, prompts, sim } = await load({ fiveHourPercent: 37 }, true)
    const started = Date.now()
    await expect(run(hooks)).rejects.toThrow(SENTINEL)
    const took = Date.now() - started
    expect(took).toBeGreaterThanOrEqual(PATIENCE_MS - 50)
    expect(took).toBeLessThan(2500)
    expect(prompts).toHaveLength(1)
    expect(textOf(prompts[0])).toBe(WAITING_TEXT)
    releases.splice(0).forEach((r) => r())
    await until(() => prompts.length === 2)
    const fresh = prompts[1]!
    expect(fresh.body.noReply).toBe(true)
    expect(fresh.body.parts[0]!.ignored).toBe(true)
    expect(textOf(fresh)).toMatch(/5-hour +█+░+ +37 %/)
    expect(textOf(fresh)).not.toMatch(/Stale/)
    expect(sim.count()).toBeGreaterThan(0)
  })

  it("an earlier reading: that reading marked stale within ~2 s, then the fresh one", async () => {
    const { hooks, prompts, sim, clock } = await load({ fiveHourPercent: 20 })
    await hooks.tool!.glm_quota!.execute({}, {} as never)
    // Ten minutes on, the API's answer has moved and the cache is due: the next request hangs.
    clock.advance(10 * 60_000)
    sim.set({ fiveHourPercent: 55 })
    const release = sim.hold()
    releases.push(release)
    const started = Date.now()
    await expect(run(hooks)).rejects.toThrow(SENTINEL)
    expect(Date.now() - started).toBeLessThan(2500)
    expect(prompts).toHaveLength(1)
    const stale = textOf(prompts[0])
    expect(stale).toMatch(/Stale: showing the last good reading/)
    expect(flat(stale)).toContain("the fresh report follows")
    expect(stale).toMatch(/5-hour +█+░+ +20 %/)
    release()
    await until(() => prompts.length === 2)
    expect(textOf(prompts[1])).toMatch(/5-hour +█+░+ +55 %/)
    expect(textOf(prompts[1])).not.toMatch(/Stale/)
  })

  it("an API that answers in time: one message, no waiting line", async () => {
    const { hooks, prompts } = await load()
    await expect(run(hooks)).rejects.toThrow(SENTINEL)
    await new Promise((r) => setTimeout(r, 50))
    expect(prompts).toHaveLength(1)
    expect(textOf(prompts[0])).toContain("GLM Coding Plan · Pro")
  })
})

describe("/glm-quota doctor", () => {
  it("posts the checks of this OpenCode process without a model call: the guard, and each provider's fetch", async () => {
    const { hooks, prompts } = await load()
    const cfg = {
      provider: {
        "zai-coding-plan": { options: {} },
        relay: { options: { baseURL: "https://api.z.ai/api/coding/paas/v4" } },
      },
    }
    await hooks.config!(cfg as never)
    // Another plugin that replaced the relay's fetch after glm-quota wrapped it.
    const relay = cfg.provider.relay.options as Record<string | symbol, unknown>
    relay[Symbol.for("glm-quota.guarded")] = false
    await expect(run(hooks, "doctor")).rejects.toThrow(SENTINEL)
    expect(prompts).toHaveLength(1)
    expect(prompts[0]!.body.noReply).toBe(true)
    const text = textOf(prompts[0])
    // Plain lines: 1.18.33's TUI draws a user message's text as it is, Markdown markers included.
    expect(text).toMatch(/^glm-quota doctor\n/)
    expect(text).not.toMatch(/\*\*|^- /m)
    // The set-up doctor's checks come first: where the key was found (never the key), the region, the plan.
    expect(text, text).toMatch(/ZAI_API_KEY/)
    expect(text).not.toContain(CANARY_KEY)
    expect(text).not.toContain("--region")
    expect(flat(text)).toMatch(
      /✓ request guard active( on the Pro plan)?: 2 request\(s\) in flight per model, 1 at the throttling peak, 4 retries/,
    )
    expect(flat(text)).toContain("✓ zai-coding-plan: model requests go through the request guard")
    expect(text).toMatch(/⚠ {2}relay: model requests do not go through the request guard\n {3}→ restart OpenCode/)
  })

  it("a guard switched off, and no coding-plan provider declared: both said, with what to do", async () => {
    const clock = testClock(NOW)
    const sim = await startSimulator({ now: clock.now })
    sims.push(sim)
    const prompts: Prompt[] = []
    const client = { app: { log: async () => true }, session: { prompt: async (x: Prompt) => (prompts.push(x), {}) } }
    const input = { client, directory: "/tmp", worktree: "/tmp" } as unknown as PluginInput
    const opts = { baseUrl: sim.url, guard: "off" }
    const off = await startServer(input, opts, { env: pluginEnv(home.make()), now: clock.now })
    instances.push(off)
    await off.config!({} as never)
    await run(off, "doctor").catch(() => undefined)
    expect(flat(textOf(prompts[0]))).toMatch(/⚠ the request guard is off.*1302.* → remove `"guard": "off"`/)
    const on = await load()
    await on.hooks.config!({} as never)
    await run(on.hooks, "doctor").catch(() => undefined)
    expect(flat(textOf(on.prompts[0]))).toMatch(/⚠ no coding-plan provider is declared in opencode\.json/)
  })
})
