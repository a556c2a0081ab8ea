// The start-up module (plugin.ts): what OpenCode gets before the rest of the plugin is loaded, and when the rest comes.
// The rest is the real instance.ts, imported through a counter; the quota API is the loopback simulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Hooks, PluginInput } from "@opencode-ai/plugin"
import { createPlugin, type ServerModule } from "../../src/opencode/plugin.ts"
import { GUARDED } from "../../src/opencode/guard-install.ts"
import { SENTINEL } from "../../src/opencode/command.ts"
import { createServerState } from "../../src/opencode/state.ts"
import { PATHS } from "../../src/zai/client.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { until } from "../helpers.ts"
import { drain, homes, pluginEnv } from "./support.ts"

const NOW = "2026-11-25T05:30:00Z" // Wednesday 13:30 Beijing, off-peak
let sim: Simulator
const home = homes("glmq-front-")
const instances: Hooks[] = []
beforeAll(async () => {
  sim = await startSimulator({ now: () => new Date(Date.parse(NOW)), state: { era: "credit" } })
})
afterAll(async () => {
  await Promise.all(instances.map(drain))
  await sim.close()
  home.cleanup()
})

interface Front {
  hooks: Hooks
  loads: () => number
  logs: string[]
  prompts: unknown[]
}

const providers = [
  { id: "zai-coding-plan", models: { "glm-4.7": {}, "glm-5.3": {}, "glm-5.3-flash": {} }, options: {} },
]

/** One instance through the start-up module; `warmUpMs` large unless a test wants the warm-up. */
async function front(options: Record<string, unknown> = {}, warmUpMs = 60_000): Promise<Front> {
  let loads = 0
  const logs: string[] = []
  const prompts: unknown[] = []
  const client = {
    app: { log: async (x: { body: { message: string } }) => (logs.push(x.body.message), true) },
    tui: { showToast: async () => true },
    session: { prompt: async (x: unknown) => (prompts.push(x), {}) },
    config: { providers: async () => ({ data: { providers } }) },
  }
  const plugin = createPlugin({
    env: pluginEnv(home.make()),
    fetch: globalThis.fetch,
    state: createServerState(),
    now: () => new Date(Date.parse(NOW)),
    load: () => {
      loads++
      return import("../../src/opencode/instance.ts") as Promise<ServerModule>
    },
    warmUpMs,
  })
  const input = { client, directory: "/tmp", worktree: "/tmp" } as unknown as PluginInput
  const hooks = await plugin(input, { baseUrl: sim.url, ...options })
  instances.push(hooks)
  return { hooks, loads: () => loads, logs, prompts }
}

const ev = (type: string, properties: Record<string, unknown>) => ({ event: { type, properties } }) as never
const tick = () => new Promise((r) => setTimeout(r, 20))

describe("start-up", () => {
  it("the factory and the config hook register the command, the tools and the guard without loading the rest", async () => {
    const before = sim.count()
    const f = await front()
    const cfg = { provider: { "zai-coding-plan": { options: {} } } } as Record<string, unknown>
    await f.hooks.config!(cfg as never)
    // Bus traffic the plugin ignores, and other commands, load nothing either.
    await f.hooks.event!(ev("server.connected", {}))
    await f.hooks.event!(ev("lsp.updated", {}))
    await f.hooks["command.execute.before"]!({ command: "init", sessionID: "s", arguments: "" }, { parts: [] })
    await tick()
    expect(f.loads()).toBe(0)
    expect(sim.count(), "no request either").toBe(before)
    expect((cfg.command as Record<string, { template: string }>)["glm-quota"]!.template).toMatch(/quota/)
    const options = (cfg.provider as Record<string, { options: Record<string | symbol, unknown> }>)["zai-coding-plan"]!
      .options
    expect(options[GUARDED]).toBe(true)
    expect(typeof options.fetch).toBe("function")
    expect(Object.keys(f.hooks.tool!)).toEqual(["glm_quota", "glm_model"])
    expect(f.logs).toEqual(["request guard on for zai-coding-plan"])
  })

  it("the tools: plain JSON Schema args until the rest is loaded, its zod schemas after; a bad argument refused", async () => {
    const f = await front()
    const quota = f.hooks.tool!.glm_quota!
    expect(quota.description).toMatch(/^Read the user's GLM Coding Plan quota/)
    expect(quota.args).toEqual({
      window: { type: "string", enum: ["all", "five_hour", "weekly", "mcp_monthly"], description: expect.any(String) },
    })
    expect(f.loads()).toBe(0)
    await expect(quota.execute({ window: "yearly" } as never, {} as never)).rejects.toThrow(
      /The glm_quota tool was called with invalid arguments/,
    )
    expect(f.loads()).toBe(1)
    // What OpenCode turns into the agent's JSON Schema once loaded: a zod schema, `window` optional.
    const window = (quota.args as Record<string, { _zod?: { optin?: string }; description?: string }>).window!
    expect(window._zod?.optin).toBe("optional")
    expect(window.description).toMatch(/^Which window/)
    const [a, b] = await Promise.all([
      quota.execute({ window: "weekly" } as never, {} as never),
      f.hooks.tool!.glm_model!.execute({} as never, {} as never),
    ])
    expect(a).toMatch(/weekly/i)
    expect(b).toMatch(/^glm-/)
    expect(f.loads()).toBe(1)
  })

  it("the first session loads the rest, and the rest gets the live config the config hook saw", async () => {
    const f = await front({ model: "apply" })
    // Apply mode: the config hook waits for the rest, which sets a listed id once the quota is read.
    const cfg: Record<string, unknown> = { model: "zai-coding-plan/glm-4.7", provider: { "zai-coding-plan": {} } }
    await f.hooks.config!(cfg as never)
    expect(f.loads()).toBe(1)
    await f.hooks.event!(ev("session.created", { info: { id: "s" } }))
    await until(() => cfg.model !== "zai-coding-plan/glm-4.7")
    expect(cfg.model).toBe("zai-coding-plan/glm-5.3")
    expect(f.loads()).toBe(1)
  })

  it("suggest mode: the config is handed over when the first session loads the rest", async () => {
    const f = await front()
    const cfg = { provider: { "zai-coding-plan": { options: {} } } }
    await f.hooks.config!(cfg as never)
    expect(f.loads()).toBe(0)
    await f.hooks.event!(ev("session.created", { info: { id: "s" } }))
    expect(f.loads()).toBe(1)
    // The rest's doctor sees the provider the config hook guarded.
    await expect(
      f.hooks["command.execute.before"]!({ command: "glm-quota", sessionID: "s", arguments: "doctor" }, { parts: [] }),
    ).rejects.toThrow(SENTINEL)
    expect(JSON.stringify(f.prompts)).toContain("zai-coding-plan: model requests go through the request guard")
  })

  it("the guarded fetch loads the rest at the first model request and goes through the real guard", async () => {
    const f = await front()
    // The provider answers 1302 (concurrency) once: only the real guard retries it.
    let calls = 0
    const inner = async () =>
      ++calls === 1
        ? new Response('{"error":{"code":"1302","message":"busy"}}', {
            status: 429,
            headers: { "retry-after-ms": "5" },
          })
        : new Response("ok", { status: 200 })
    const cfg = { provider: { "zai-coding-plan": { options: { fetch: inner } } } }
    await f.hooks.config!(cfg as never)
    const wrapped = cfg.provider["zai-coding-plan"].options.fetch as unknown as typeof fetch
    expect(wrapped).not.toBe(inner)
    expect(f.loads()).toBe(0)
    const body = JSON.stringify({ model: "glm-5.3", messages: [] })
    const res = await wrapped("http://127.0.0.1:9/v1/chat/completions", { method: "POST", body } as never)
    expect(await res.text()).toBe("ok")
    expect(calls, "retried once by the guard").toBe(2)
    expect(f.loads()).toBe(1)
  })

  it("with no call at all, the warm-up loads the rest and makes the first refresh", async () => {
    const own = await startSimulator({ now: () => new Date(Date.parse(NOW)), state: { era: "credit" } })
    try {
      const f = await front({ baseUrl: own.url }, 30)
      expect(f.loads()).toBe(0)
      await until(() => own.count(PATHS.quota) > 0)
      expect(f.loads()).toBe(1)
      await drain(f.hooks)
    } finally {
      await own.close()
    }
  })

  it("a rest that cannot be loaded: plain sentences, one log line, nothing thrown into OpenCode", async () => {
    const logs: string[] = []
    const plugin = createPlugin({
      env: pluginEnv(home.make()),
      fetch: globalThis.fetch,
      load: () => Promise.reject(new Error("Cannot find module './chunks/server.js'")),
      warmUpMs: 60_000,
    })
    const client = { app: { log: async (x: { body: { message: string } }) => (logs.push(x.body.message), true) } }
    const hooks = await plugin({ client, directory: "/tmp", worktree: "/tmp" } as unknown as PluginInput, {})
    await hooks.config!({ model: "x" } as never)
    await hooks.event!(ev("session.idle", { sessionID: "s" }))
    await hooks["chat.message"]!({ sessionID: "s" } as never, {} as never)
    await hooks["command.execute.before"]!({ command: "glm-quota", sessionID: "s", arguments: "" }, { parts: [] })
    expect(await hooks.tool!.glm_model!.execute({} as never, {} as never)).toMatch(/^glm-quota could not start/)
    expect(logs).toEqual(["glm-quota could not start: Cannot find module './chunks/server.js'"])
    await hooks.dispose?.()
  })
})
