// The clock at the edge: GLM_QUOTA_NOW pins it (demo, tests, reproducing a peak-hour report), else the real time.
import { isValidTimeZone } from "../core/time/peak.ts"
import { cleanText } from "../core/text/sanitize.ts"
import type { Env, QuotaError } from "../core/types.ts"

export interface EnvClock {
  now: () => Date
  /** Set when GLM_QUOTA_NOW is not a date: `now` is then the real clock, and the caller says so once. */
  error: QuotaError | null
}

const realClock = () => new Date()

/**
 * `frozen`: every call returns GLM_QUOTA_NOW (the CLI: one report, reproducible to the millisecond).
 * `running`: the clock starts at GLM_QUOTA_NOW and runs on (the plugin: caches age, refresh intervals pass).
 */
export function clockFromEnv(env: Env, mode: "frozen" | "running" = "frozen"): EnvClock {
  const pinned = env.GLM_QUOTA_NOW?.trim()
  if (!pinned) return { now: realClock, error: null }
  const t = Date.parse(pinned)
  if (!Number.isFinite(t)) {
    const message = `GLM_QUOTA_NOW="${pinned.slice(0, 40)}" is not a date: use an ISO-8601 instant such as 2026-03-02T07:30:00Z, or unset it.`
    return { now: realClock, error: { kind: "bad_response", message } }
  }
  if (mode === "frozen") return { now: () => new Date(t), error: null }
  const started = performance.now()
  return { now: () => new Date(t + Math.round(performance.now() - started)), error: null }
}

/**
 * The user's time zone: TZ when Intl knows it, else the system's, else UTC — a TZ Intl cannot read (`UTC+24`) leaves
 * the system's zone undefined, and every time shown would be NaN:NaN. (Intl's first call loads ICU: call it when
 * needed.)
 */
export function localTimeZone(env: Env): string {
  const tz = env.TZ?.trim()
  if (tz && isValidTimeZone(tz)) return tz
  return systemZone() ?? "UTC"
}

function systemZone(): string | null {
  const system = Intl.DateTimeFormat().resolvedOptions().timeZone
  return typeof system === "string" && isValidTimeZone(system) ? system : null
}

/** One sentence when TZ leaves no zone at all (`UTC+24`): the times are then shown in UTC, and the user is told. */
export function timeZoneProblem(env: Env): string | null {
  const tz = env.TZ?.trim()
  if (!tz || isValidTimeZone(tz) || systemZone() !== null) return null
  return `TZ="${cleanText(tz, 40)}" is not a time zone this system knows: times are shown in UTC; set TZ to a zone such as Europe/Berlin, or unset it.`
}
