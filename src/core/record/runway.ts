// How long the binding quota window lasts at this machine's pace: runs out before its reset, or lasts. Pure.
import { snapshotRate, type RateOptions } from "./pace.ts"
import { HOUR_MS } from "./records.ts"
import type { LocalRecord } from "./records.ts"
import type { QuotaWindowKind } from "../types.ts"

/** How long the binding window lasts at the current pace. Explicit states; never NaN. */
export type Runway =
  | { state: "no_data" }
  | { state: "no_burn" }
  | { state: "ok"; pointsPerHour: number; exhaustsAt: null }
  | { state: "runs_out"; pointsPerHour: number; exhaustsAt: string; beforeResetMs: number }

export interface RunwayInput extends RateOptions {
  window: QuotaWindowKind
  /** The window's current percent used (0–100), or null when unknown. */
  usedPercent: number | null
  /** The window's reset instant (ISO), or null when unknown. */
  resetsAt: string | null
  /** Records holding the API snapshots (other kinds are ignored). */
  records: readonly LocalRecord[]
  now: Date
}

/**
 * Projects a pace onto a window: `no_data` without a pace, a current percent, or a reset still ahead to compare with;
 * `no_burn` when the pace is 0 or negative; `ok` when the window lasts until its reset (exhausting exactly at the reset
 * counts as lasting); `runs_out` with the instant it reaches 100 % and how long before the reset that is.
 */
export function projectRunway(
  usedPercent: number | null,
  resetsAt: string | null,
  pointsPerHour: number | null,
  now: Date,
): Runway {
  if (pointsPerHour === null || !Number.isFinite(pointsPerHour)) return { state: "no_data" }
  if (usedPercent === null || !Number.isFinite(usedPercent)) return { state: "no_data" }
  const nowMs = now.getTime()
  const resetMs = resetsAt === null ? NaN : Date.parse(resetsAt)
  if (!Number.isFinite(resetMs) || resetMs <= nowMs) return { state: "no_data" }
  if (pointsPerHour <= 0) return { state: "no_burn" }
  const left = Math.max(0, 100 - usedPercent)
  const exhaustsMs = nowMs + Math.ceil((left / pointsPerHour) * HOUR_MS)
  if (!Number.isFinite(exhaustsMs) || exhaustsMs >= resetMs) return { state: "ok", pointsPerHour, exhaustsAt: null }
  return {
    state: "runs_out",
    pointsPerHour,
    exhaustsAt: new Date(exhaustsMs).toISOString(),
    beforeResetMs: resetMs - exhaustsMs,
  }
}

/** The runway of one window from its current percent and the snapshot history of the last hour. */
export function runway(input: RunwayInput): Runway {
  const rate = snapshotRate(input.records, input.window, input.now, input)
  return projectRunway(input.usedPercent, input.resetsAt, rate === null ? null : rate.pointsPerHour, input.now)
}
