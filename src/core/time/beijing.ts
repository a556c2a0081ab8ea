// Beijing wall-clock text → an instant. The monitor API and the inference errors write times as "2026-12-05 18:00:00"
// in Asia/Shanghai with no zone designator; reading them with Date.parse would take the machine's own zone instead.
import { instantOf, wallOf } from "../zone.ts"

import { BEIJING_TZ } from "../text/vocabulary.ts"

/** A whole string "YYYY-MM-DD", "YYYY-MM-DD HH:mm" or "YYYY-MM-DD HH:mm:ss" (T as the separator too, a fraction ignored). */
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?$/

/**
 * The ISO instant of a Beijing wall-clock text, or null when it is not one or names no real time (2026-02-30,
 * 25:00): the fields must read back unchanged, since Date would silently roll them over into another day.
 */
export function beijingWallClockToIso(text: string): string | null {
  const m = WALL_CLOCK.exec(text.trim())
  if (m === null) return null
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number]
  const ms = instantOf(BEIJING_TZ, y, mo - 1, d, h, mi, s)
  if (!Number.isFinite(ms)) return null
  const t = wallOf(ms, BEIJING_TZ)
  const same = t.year === y && t.month === mo - 1 && t.day === d && t.hour === h && t.minute === mi && t.second === s
  return same ? new Date(ms).toISOString() : null
}
