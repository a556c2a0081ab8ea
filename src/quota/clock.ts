// The clock at the edge: GLM_QUOTA_NOW pins it (demo, tests, reproducing a peak-hour report), else the real time.
import type { Result } from "../core/types.ts"
import type { Env } from "./credentials.ts"

/**
 * `frozen`: every call returns GLM_QUOTA_NOW (the CLI: one report, reproducible to the millisecond).
 * `running`: the clock starts at GLM_QUOTA_NOW and runs on (the plugin: caches age, refresh intervals pass).
 */
export function clockFromEnv(env: Env, mode: "frozen" | "running" = "frozen"): Result<() => Date> {
  const pinned = env.GLM_QUOTA_NOW?.trim()
  if (!pinned) return { ok: true, value: () => new Date() }
  const t = Date.parse(pinned)
  if (!Number.isFinite(t)) {
    return { ok: false, error: { kind: "bad_response", message: `GLM_QUOTA_NOW="${pinned.slice(0, 40)}" is not a date: use an ISO-8601 instant such as 2026-03-02T07:30:00Z, or unset it.` } }
  }
  if (mode === "frozen") return { ok: true, value: () => new Date(t) }
  const started = performance.now()
  return { ok: true, value: () => new Date(t + Math.round(performance.now() - started)) }
}

/** The user's time zone: TZ when Intl knows it, else the system's. (Intl's first call loads ICU: call it when needed.) */
export function localTimeZone(env: Env): string {
  const tz = env.TZ?.trim()
  if (tz) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz })
      return tz
    } catch {
      // the system zone then
    }
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone
}
