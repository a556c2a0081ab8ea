// Small text helpers shared by the renderers. Pure: instants, zones and "now" are arguments.
import { differenceInHours, differenceInMinutes } from "date-fns"
import { wallOf } from "../zone.ts"
import type { QuotaWindow } from "../types.ts"
import { windowName } from "./vocabulary.ts"

export function bar(percent: number | null, width = 20): string {
  if (percent === null) return "·".repeat(width)
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * width)
  return "█".repeat(filled) + "░".repeat(width - filled)
}

/**
 * "2h 41m", "3d 9h", "45m", "under a minute", "now". One rounding rule everywhere (the widget, the report, `--line`,
 * toasts): to the nearest unit shown — minutes below a day, hours from a day — so a reset 4d 23h 59m away reads "5d"
 * wherever it is shown, whether the clock runs or stands.
 */
export function countdown(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return "now"
  if (ms < 60_000) return "under a minute"
  const from = new Date(0)
  const to = new Date(ms)
  const minutes = differenceInMinutes(to, from, { roundingMethod: "round" })
  if (minutes < 1440) {
    const hours = Math.floor(minutes / 60)
    const mins = minutes % 60
    if (hours > 0) return mins > 0 ? `${hours}h ${mins}m` : `${hours}h`
    return `${mins}m`
  }
  const totalHours = differenceInHours(to, from, { roundingMethod: "round" })
  const days = Math.floor(totalHours / 24)
  const hours = totalHours % 24
  return hours > 0 ? `${days}d ${hours}h` : `${days}d`
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const p2 = (n: number) => String(n).padStart(2, "0")

/**
 * Wall-clock fields of an instant in a zone (zone.ts does the zone arithmetic). The few formats the reports use are
 * written out below rather than loaded from date-fns/format and its locale (about 20 ms less module loading under
 * Node; measured with bench/fixtures/startup-child.js).
 */
export function wallClock(
  ms: number,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number; weekday: number } {
  const t = wallOf(ms, timeZone)
  return {
    year: t.year,
    month: t.month,
    day: t.day,
    hour: t.hour,
    minute: t.minute,
    weekday: t.weekday,
  }
}

type Wall = ReturnType<typeof wallClock>
/** "2026-03-02" */
export const ymd = (w: Wall) => `${w.year}-${p2(w.month + 1)}-${p2(w.day)}`
/** "18:00" */
export const hm = (w: Wall) => `${p2(w.hour)}:${p2(w.minute)}`
/** "Mon 18:00" */
export const dayHm = (w: Wall) => `${DAYS[w.weekday]} ${hm(w)}`
/** "Mar 20 07:30" */
export const monthDayHm = (w: Wall) => `${MONTHS[w.month]} ${w.day} ${hm(w)}`

/**
 * A clock time in `timeZone`: "18:12" when on the same day as `now` there, "Sat 00:48" within a week, "Dec 16 10:00"
 * beyond, "Jan 4 2027 10:00" in another year; "an unknown time" for an instant that is none (never "NaN").
 */
export function clockIn(iso: string, timeZone: string, now: Date): string {
  const ms = Date.parse(iso)
  if (!Number.isFinite(ms) || !Number.isFinite(now.getTime())) return "an unknown time"
  const t = wallClock(ms, timeZone)
  const today = wallClock(now.getTime(), timeZone)
  if (ymd(t) === ymd(today)) return hm(t)
  const hours = differenceInHours(new Date(ms), now)
  if (hours > -144 && hours < 144) return dayHm(t)
  return t.year === today.year ? monthDayHm(t) : `${MONTHS[t.month]} ${t.day} ${t.year} ${hm(t)}`
}

/** Beyond this a count is junk (no plan counts a trillion of anything): shown as "over 1,000,000,000,000". */
export const MAX_SHOWN_NUMBER = 1e12

export function groupDigits(n: number): string {
  if (!Number.isFinite(n)) return "?"
  if (Math.abs(n) > MAX_SHOWN_NUMBER) return `${n < 0 ? "under -" : "over "}${MAX_SHOWN_NUMBER.toLocaleString("en-US")}`
  return Math.round(n).toLocaleString("en-US")
}

export function windowTitle(w: QuotaWindow): string {
  if (w.kind === "five_hour" || w.kind === "weekly") return windowName(w.kind)
  if (w.kind === "mcp_monthly") return "MCP tools (month)"
  return `${w.type ?? "UNKNOWN"} (unit ${w.unit ?? "?"}, number ${w.number ?? "?"})`
}

/** "147 / 1,000 calls, 853 left" with only the counters the API sent. */
export function countersText(w: QuotaWindow): string | null {
  const unit = w.meter
  if (w.used !== null && w.limit !== null) {
    const left = w.remaining === null ? "" : `, ${groupDigits(w.remaining)} left`
    return `${groupDigits(w.used)} / ${groupDigits(w.limit)} ${unit}${left}`
  }
  if (w.remaining !== null) return `${groupDigits(w.remaining)} ${unit} left`
  if (w.used !== null) return `${groupDigits(w.used)} ${unit} used`
  if (w.limit !== null) return `limit ${groupDigits(w.limit)} ${unit}`
  return null
}

export function percentText(p: number | null): string {
  return p === null ? "—" : `${p} %`
}

export function toolsText(tools: Record<string, number> | undefined): string | null {
  if (tools === undefined) return null
  const entries = Object.entries(tools)
  if (entries.length === 0) return null
  return entries.map(([name, n]) => `${name} ${groupDigits(n)}`).join(" · ")
}
