// Wall clocks in a time zone, and instants from wall clocks. Pure. Zones with a fixed offset (Beijing has kept UTC+8
// without DST since 1991; UTC) are plain arithmetic; every other zone goes through TZDate, which asks Intl — and
// Intl's first call loads ICU data (~15–25 ms), a cost the JSON report, the status line and the plugin's chat path
// need not pay for Beijing-time peak hours.
import { TZDate } from "@date-fns/tz"

const FIXED_MINUTES: Readonly<Record<string, number>> = { "Asia/Shanghai": 480, UTC: 0, "Etc/UTC": 0 }
const MINUTE_MS = 60_000

export interface Wall {
  year: number
  /** 0–11 */
  month: number
  day: number
  hour: number
  minute: number
  second: number
  /** 0 = Sunday … 6 = Saturday */
  weekday: number
}

/** Whether the zone's offset is fixed (no DST): then no ICU is needed for it. */
export const isFixedZone = (timeZone: string): boolean => timeZone in FIXED_MINUTES

/** The wall-clock fields of an instant in a zone. */
export function wallOf(ms: number, timeZone: string): Wall {
  const fixed = FIXED_MINUTES[timeZone]
  if (fixed !== undefined) {
    const d = new Date(ms + fixed * MINUTE_MS)
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth(),
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: d.getUTCDay(),
    }
  }
  const t = new TZDate(ms, timeZone)
  return {
    year: t.getFullYear(),
    month: t.getMonth(),
    day: t.getDate(),
    hour: t.getHours(),
    minute: t.getMinutes(),
    second: t.getSeconds(),
    weekday: t.getDay(),
  }
}

/**
 * The instant of a wall clock in a zone; fields out of range roll over like Date's (day 32 is the 1st of the next
 * month). DST gaps and overlaps are TZDate's to resolve.
 */
export function instantOf(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  const fixed = FIXED_MINUTES[timeZone]
  if (fixed !== undefined) return Date.UTC(year, month, day, hour, minute, second) - fixed * MINUTE_MS
  return new TZDate(year, month, day, hour, minute, second, timeZone).getTime()
}
