// /glm-quota ARGS typed in 1.18.33's TUI reaches the server half; a TUI half of the same process claims it over a
// BroadcastChannel and shows its own dialog, and the server half then posts nothing. Real channels, real hooks.
import { afterAll, afterEach, describe, expect, it } from "vitest"
import type { PluginInput } from "@opencode-ai/plugin"
import { askTui, CLAIM_WAIT_MS, serveClaims, type ClaimKind } from "../../src/quota/claim.ts"
import { SENTINEL } from "../../src/opencode/command.ts"
import { COMMAND } from "../../src/opencode/instance.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { drain, homes, pluginEnv, startServer } from "../opencode/support.ts"

const stops: (() => void)[] = []
afterEach(() => stops.splice(0).forEach((s) => s()))

describe("askTui / serveClaims", () => {
  it("no TUI listening: not taken, after the short wait", async () => {
    const started = Date.now()
    expect(await askTui("report", "s1")).toBe(false)
    expect(Date.now() - started).toBeGreaterThanOrEqual(CLAIM_WAIT_MS - 20)
  })

  it("a TUI that takes it: taken at once, with the kind and the session", async () => {
    const seen: [ClaimKind, string][] = []
    stops.push(serveClaims((kind, sid) => (seen.push([kind, sid]), true)))
    const started = Date.now()
    expect(await askTui("doctor", "ses_9")).toBe(true)
    expect(Date.now() - started).toBeLessThan(CLAIM_WAIT_MS)
    expect(seen).toEqual([["doctor", "ses_9"]])
  })

  it("a TUI that declines, or has stopped listening: not taken", async () => {
    stops.push(serveClaims(() => false))
    expect(await askTui("full", "s")).toBe(false)
    stops.splice(0).forEach((s) => s())
    const stop = serveClaims(() => true)
    stop()
    expect(await askTui("full", "s")).toBe(false)
  })
})

describe("the server half's /glm-quota with a TUI half in the process", () => {
  const home = homes("glmq-claim-")
  let sim: Simulator
  const loaded: Awaited<ReturnType<typeof startServer>>[] = []
  afterAll(async () => {
    await Promise.all(loaded.map(drain))
    await sim?.close()
    home.cleanup()
  })

  it("doctor, full and the report are claimed and nothing is posted; json is never claimed", async () => {
    sim = await startSimulator()
    const prompts: string[] = []
    const client = {
      app: { log: async () => true },
      tui: { showToast: async () => true },
      session: {
        prompt: async (x: { body: { parts: { text: string }[] } }) => (prompts.push(x.body.parts[0]!.text), {}),
      },
    }
    const input = { client, directory: "/tmp", worktree: "/tmp" } as unknown as PluginInput
    const hooks = await startServer(input, { baseUrl: sim.url }, { env: pluginEnv(home.make()), now: () => new Date() })
    loaded.push(hooks)
    const claimed: ClaimKind[] = []
    stops.push(serveClaims((kind) => (claimed.push(kind), true)))
    const run = (args: string) =>
      hooks["command.execute.before"]!({ command: COMMAND, sessionID: "s", arguments: args }, { parts: [] })
    for (const args of ["doctor", "full", ""]) await expect(run(args)).rejects.toThrow(SENTINEL)
    expect(claimed).toEqual(["doctor", "full", "report"])
    expect(prompts).toEqual([])
    await expect(run("json")).rejects.toThrow(SENTINEL)
    expect(claimed).toHaveLength(3)
    expect(JSON.parse(prompts[0]!).schema).toBe(1)
  })
})

describe("a refused key: one error toast, from one half", () => {
  const home = homes("glmq-refusal-")
  const sims: Simulator[] = []
  const loaded: Awaited<ReturnType<typeof startServer>>[] = []
  afterAll(async () => {
    await Promise.all(loaded.map(drain))
    await Promise.all(sims.map((s) => s.close()))
    home.cleanup()
  })

  async function loadRejected() {
    const sim = await startSimulator({ state: { keys: ["another"] } })
    sims.push(sim)
    const toasts: { title: string; message: string; variant: string }[] = []
    const client = {
      app: { log: async () => true },
      tui: { showToast: async (x: { body: (typeof toasts)[number] }) => (toasts.push(x.body), true) },
      session: { prompt: async () => ({}) },
    }
    const input = { client, directory: "/tmp", worktree: "/tmp" } as unknown as PluginInput
    const hooks = await startServer(input, { baseUrl: sim.url }, { env: pluginEnv(home.make()), now: () => new Date() })
    loaded.push(hooks)
    const created = (id: string) =>
      hooks.event!({ event: { type: "session.created", properties: { info: { id } } } } as never)
    return { hooks, toasts, created }
  }
  const refused = (t: { title: string }) => t.title === "glm-quota: GLM key rejected"

  it("the server half says it once per key, with what to do", async () => {
    const { hooks, toasts, created } = await loadRejected()
    await hooks.tool!.glm_quota!.execute({}, {} as never) // the refusal has come
    await created("ses_a")
    await created("ses_b")
    await hooks.event!({ event: { type: "session.idle", properties: { sessionID: "ses_a" } } } as never)
    await new Promise((r) => setTimeout(r, CLAIM_WAIT_MS + 100))
    expect(toasts.filter(refused)).toHaveLength(1)
    const t = toasts.find(refused)!
    expect(t.variant).toBe("error")
    expect(t.message).toMatch(/^The quota API rejected your key/)
  })

  it("with a TUI half in the process, the server half leaves it to the TUI", async () => {
    const { hooks, toasts, created } = await loadRejected()
    stops.push(serveClaims((kind) => kind === "access"))
    await hooks.tool!.glm_quota!.execute({}, {} as never)
    await created("ses_c")
    await new Promise((r) => setTimeout(r, CLAIM_WAIT_MS + 100))
    expect(toasts.filter(refused)).toHaveLength(0)
  })
})
