// Putting the request guard in front of the coding-plan providers' fetch. The config hook does it at start-up, before
// the guard itself (guard.ts) is loaded: the wrapper it installs asks for the real one at the first model request.
import type { Config } from "@opencode-ai/plugin"
import { CODING_PLAN_IDS, zaiProvidersOf } from "../core/plans/providers.ts"

/** Marks a provider's options whose fetch the guard wraps (so it is wrapped once, and the doctor can tell). */
export const GUARDED = Symbol.for("glm-quota.guarded")

export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/**
 * Wraps the fetch of every declared coding-plan provider (and any provider on a Z.ai or BigModel host) with `wrap`
 * of the fetch it had (the global one when none); returns the provider ids. A provider already wrapped is left alone.
 */
export function installGuard(cfg: Config, wrap: (inner: FetchFn) => FetchFn): string[] {
  const providers = (cfg.provider ?? {}) as Record<string, { options?: Record<string | symbol, unknown> }>
  const ids = [...new Set([...CODING_PLAN_IDS.filter((id) => id in providers), ...zaiProvidersOf(cfg)])]
  for (const id of ids) {
    const p = providers[id]!
    p.options ??= {}
    if (p.options[GUARDED]) continue
    const inner = (typeof p.options.fetch === "function" ? p.options.fetch : fetch) as FetchFn
    p.options.fetch = wrap(inner)
    p.options[GUARDED] = true
  }
  return ids
}
