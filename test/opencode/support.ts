// The server half as the tests build it: the factory over an env object of the test's own (its own HOME and XDG
// dirs, never process.env), its own process state, the real fetch, and a clock the test holds.
import type { Hooks, PluginInput } from "@opencode-ai/plugin"
import type { Env } from "../../src/core/types.ts"
import { createPlugin } from "../../src/opencode/plugin.ts"
import { createServerState, type ServerState } from "../../src/opencode/state.ts"
import { CANARY_KEY, tempHome, type TempHome } from "../helpers.ts"

/** A clock the test moves by hand: frozen between moves. */
export interface TestClock {
  now: () => Date
  set(iso: string): void
  advance(ms: number): void
}

export function testClock(start: string): TestClock {
  let t = Date.parse(start)
  if (!Number.isFinite(t)) throw new Error(`not an instant: ${start}`)
  return {
    now: () => new Date(t),
    set: (iso) => {
      t = Date.parse(iso)
    },
    advance: (ms) => {
      t += ms
    },
  }
}

/** Throw-away HOMEs, removed together by `cleanup` (an afterAll: a background write may still land after a test). */
export function homes(prefix: string): { make(): TempHome; cleanup(): void } {
  const made: TempHome[] = []
  return {
    make: () => {
      const h = tempHome(prefix)
      made.push(h)
      return h
    },
    cleanup: () => {
      for (const h of made.splice(0)) h.cleanup()
    },
  }
}

/** What a plugin instance reads from its environment: a HOME of its own, the canary key, UTC as the user's zone. */
export function pluginEnv(
  home: TempHome,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return { ...home.env, ZAI_API_KEY: CANARY_KEY, TZ: "UTC", ...extra }
}

export interface ServerDepsForTest {
  env: Env
  now: () => Date
  /** The process state; default a fresh one (a process of its own). */
  state?: ServerState
}

/**
 * One plugin instance built by the factory, as OpenCode would call it: through the start-up module (plugin.ts) that
 * the entry uses, the rest imported on first use. Its warm-up is at the next tick here (the entry's is a second), so
 * the start-up refresh goes out as soon as in OpenCode, without the second's wait.
 */
export function startServer(
  input: PluginInput,
  options: Record<string, unknown>,
  deps: ServerDepsForTest,
): Promise<Hooks> {
  const plugin = createPlugin({
    env: deps.env,
    fetch: globalThis.fetch,
    state: deps.state ?? createServerState(),
    now: deps.now,
    load: () => import("../../src/opencode/instance.ts"),
    warmUpMs: 0,
  })
  return plugin(input, options)
}

/**
 * Lets an instance's background work end before its HOME is removed: the warm-up timer fires (a macrotask), then a
 * tool call loads the rest if it was not yet and joins the refresh in flight, or makes the one that timer would have
 * made. Nothing is left to write after.
 */
export async function drain(hooks: Hooks): Promise<void> {
  await new Promise((r) => setTimeout(r, 0))
  await hooks.tool?.glm_quota?.execute({}, {} as never)
}
