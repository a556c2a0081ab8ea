// The pace of a quota window from this machine's API snapshots: percentage points per hour over the last hour. Pure.
import { HOUR_MS, MINUTE_MS, type LocalRecord, type SnapshotEvent } from "./records.ts"
import type { QuotaWindowKind } from "../types.ts"

/** Burn rates (prompts, calls, percentage points) look back this far by default. */
export const BURN_LOOKBACK_MS = HOUR_MS
/** Two snapshots closer than this say nothing reliable about a pace (integer percents). */
export const MIN_SNAPSHOT_SPAN_MS = 10 * MINUTE_MS

const round2 = (n: number): number => {
  const r = Number.isFinite(n) ? Math.round(n * 100) / 100 : 0
  return r === 0 ? 0 : r
}

export interface RateOptions {
  /** How far back snapshots are used (default 1 hour); a snapshot exactly this old still counts. */
  lookbackMs?: number
  /** The usable snapshots must span at least this long (default 10 minutes). */
  minSpanMs?: number
}

export interface SnapshotRate {
  /** Percentage points per hour, 2 decimals; negative when the window is draining (rolling window ageing out). */
  pointsPerHour: number
  /** First and last snapshot used (ISO) and how many were used. */
  from: string
  to: string
  samples: number
}

/**
 * The pace of one window in percentage points per hour, from the API snapshots of the last hour: the change from the
 * first to the last usable snapshot over the time between them. A drop in percent between two snapshots is a reset
 * (or old usage ageing out): only the snapshots from the latest drop on are used. Null (no data) with fewer than two
 * usable snapshots or when they span less than `minSpanMs`.
 */
export function snapshotRate(
  records: readonly LocalRecord[],
  window: QuotaWindowKind,
  now: Date,
  opts: RateOptions = {},
): SnapshotRate | null {
  const nowMs = now.getTime()
  const from = nowMs - (opts.lookbackMs ?? BURN_LOOKBACK_MS)
  const snapshots: SnapshotEvent[] = []
  for (const r of records) if (r.kind === "snapshot" && r.t >= from && r.t <= nowMs) snapshots.push(r)
  return rateOf(snapshots, window, opts.minSpanMs ?? MIN_SNAPSHOT_SPAN_MS)
}

/** The rate over snapshots already limited to the lookback (any order). */
export function rateOf(
  snapshots: readonly SnapshotEvent[],
  window: QuotaWindowKind,
  minSpan: number,
): SnapshotRate | null {
  const points: { t: number; v: number }[] = []
  for (const r of snapshots) {
    const v = window === "five_hour" ? r.fiveHour : r.weekly
    if (v === null || !Number.isFinite(v)) continue
    points.push({ t: r.t, v })
  }
  points.sort((a, b) => a.t - b.t)
  let start = 0
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.v < points[i - 1]!.v) start = i
  }
  const usable = points.slice(start)
  if (usable.length < 2) return null
  const first = usable[0]!
  const last = usable[usable.length - 1]!
  const span = last.t - first.t
  if (span <= 0 || span < minSpan) return null
  const pointsPerHour = round2(((last.v - first.v) / span) * HOUR_MS)
  return {
    pointsPerHour,
    from: new Date(first.t).toISOString(),
    to: new Date(last.t).toISOString(),
    samples: usable.length,
  }
}
