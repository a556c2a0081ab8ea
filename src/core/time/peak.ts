// The peak-hours schedule as data, and the peak state at an instant. Pure: the clock is a parameter.

import { instantOf, isFixedZone, wallOf } from "../zone.ts"
import { dayHm, hm, wallClock } from "../text/format.ts"
import { PEAK_TZ } from "../text/vocabulary.ts"

export interface PeakState {
  active: boolean
  periods: string[]
  endsAt: string | null
  nextStartsAt: string | null
  glm5Multiplier: number
}

export interface PeakPeriod {
  /** "throttle" | "quota" | user-defined. */
  name: string
  /** ISO weekdays, 1 = Monday … 7 = Sunday, of the day the period starts on. */
  days: number[]
  /** "HH:mm", inclusive, wall clock in the schedule's time zone. */
  start: string
  /**
   * "HH:mm", exclusive; "24:00" means midnight at the end of the day. An end at or before the start
   * means the period runs past midnight into the next day.
   */
  end: string
  /** Cost multiplier for GLM-5-class models while this period is on; unset: the dated catalog's for the plan. */
  glm5Multiplier?: number
}

export interface PeakSchedule {
  /** IANA time zone the periods are written in. */
  timeZone: string
  periods: PeakPeriod[]
  /** GLM-5-class multiplier off-peak; unset: the dated catalog's for the plan generation (model-catalog.ts). */
  offPeakGlm5Multiplier?: number
}

const WEEKDAYS = [1, 2, 3, 4, 5]

/**
 * Z.ai defaults (unchanged through 2026): quota-cost peak weekdays 14–18, throttling peak weekdays 15–18, Beijing
 * time. What the quota peak costs differs by plan generation and date: that is data in model-catalog.ts, not here.
 */
export const DEFAULT_PEAK_SCHEDULE: PeakSchedule = {
  timeZone: PEAK_TZ,
  periods: [
    { name: "quota", days: WEEKDAYS, start: "14:00", end: "18:00" },
    { name: "throttle", days: WEEKDAYS, start: "15:00", end: "18:00" },
  ],
}

/** How far ahead `nextStartsAt` looks. */
const SEARCH_DAYS = 8

interface Interval {
  period: PeakPeriod
  start: number
  end: number
}

interface Clock {
  hours: number
  minutes: number
}

const CLOCK = /^(\d{2}):(\d{2})$/

/** "HH:mm" → hours and minutes; 00:00–23:59, plus 24:00 when `allowEndOfDay`. Null when malformed. */
export function parseClock(value: unknown, allowEndOfDay: boolean): Clock | null {
  if (typeof value !== "string") return null
  const match = CLOCK.exec(value)
  if (!match) return null
  const hours = Number(match[1])
  const minutes = Number(match[2])
  if (minutes > 59) return null
  if (hours === 24 && minutes === 0 && allowEndOfDay) return { hours, minutes }
  if (hours > 23) return null
  return { hours, minutes }
}

export const toMinutes = (clock: Clock): number => clock.hours * 60 + clock.minutes

/** ISO weekday (1 = Monday … 7 = Sunday) from a JS `getDay()` value. */
const isoWeekday = (jsDay: number): number => (jsDay === 0 ? 7 : jsDay)

/**
 * Every occurrence of every period that starts on a calendar day from `fromDay` to `toDay`
 * (offsets from the day of `now`, in the schedule's zone), as UTC epoch intervals, sorted by start.
 * Wall-clock → instant conversion is done by zone.ts (TZDate for zones with DST), so DST transitions are honoured.
 */
function occurrences(now: Date, schedule: PeakSchedule, fromDay: number, toDay: number): Interval[] {
  const tz = schedule.timeZone
  const today = wallOf(now.getTime(), tz)
  const intervals: Interval[] = []
  for (let offset = fromDay; offset <= toDay; offset += 1) {
    // Noon of that calendar day in the zone: only its date and weekday are read, and noon exists on every day
    // (a DST change at midnight would make "midnight" ambiguous or missing).
    const day = wallOf(instantOf(tz, today.year, today.month, today.day + offset, 12), tz)
    const year = day.year
    const month = day.month
    const date = day.day
    const weekday = isoWeekday(day.weekday)
    for (const period of schedule.periods) {
      if (!period.days.includes(weekday)) continue
      const start = parseClock(period.start, false)
      const end = parseClock(period.end, true)
      if (!start || !end) continue
      const wrapsMidnight = toMinutes(end) <= toMinutes(start)
      const startAt = instantOf(tz, year, month, date, start.hours, start.minutes)
      const endAt = instantOf(tz, year, month, date + (wrapsMidnight ? 1 : 0), end.hours, end.minutes)
      if (!Number.isFinite(startAt) || !Number.isFinite(endAt) || endAt <= startAt) continue
      intervals.push({ period, start: startAt, end: endAt })
    }
  }
  return intervals.sort((a, b) => a.start - b.start)
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString()

/**
 * The peak state at `now`. Periods are evaluated in `schedule.timeZone`, start inclusive, end exclusive.
 * - `periods`: names of the active periods, in schedule order.
 * - `endsAt`: end of the union of the active periods and every period occurrence overlapping or
 *   contiguous with it (so 14–18 "quota" plus 15–18 "throttle" ends at 18:00; back-to-back periods chain).
 *   The chain is followed within the search horizon (8 days ahead).
 * - `nextStartsAt` (inactive only): the next start of any period within 8 days, else null.
 * - `glm5Multiplier`: the largest multiplier among active periods that set one, else the schedule's off-peak one, else 1;
 *   the report replaces it with the plan's (model-catalog.ts) unless the schedule names one (`explicitMultipliers`).
 */
export function peakState(now: Date, schedule: PeakSchedule = DEFAULT_PEAK_SCHEDULE): PeakState {
  const t = now.getTime()
  const intervals = occurrences(now, schedule, -1, SEARCH_DAYS)
  const active = intervals.filter((interval) => interval.start <= t && t < interval.end)

  if (active.length === 0) {
    const next = intervals.find((interval) => interval.start > t && interval.start <= t + SEARCH_DAYS * 86_400_000)
    return {
      active: false,
      periods: [],
      endsAt: null,
      nextStartsAt: next ? iso(next.start) : null,
      glm5Multiplier: schedule.offPeakGlm5Multiplier ?? 1,
    }
  }

  let endsAt = Math.max(...active.map((interval) => interval.end))
  for (const interval of intervals) {
    if (interval.start <= endsAt && interval.end > endsAt) endsAt = interval.end
  }

  const activePeriods = new Set(active.map((interval) => interval.period))
  const names = schedule.periods.filter((period) => activePeriods.has(period)).map((period) => period.name)
  const multipliers = active
    .map((interval) => interval.period.glm5Multiplier)
    .filter((value): value is number => typeof value === "number" && Number.isFinite(value))

  return {
    active: true,
    periods: [...new Set(names)],
    endsAt: iso(endsAt),
    nextStartsAt: null,
    glm5Multiplier: multipliers.length > 0 ? Math.max(...multipliers) : (schedule.offPeakGlm5Multiplier ?? 1),
  }
}

/** The GLM-5-class multipliers a user's schedule names itself (they win over the catalog's): peak and off-peak. */
export function explicitMultipliers(schedule: PeakSchedule, state: PeakState): { peak?: number; offPeak?: number } {
  const named = schedule.periods
    .filter((p) => state.periods.includes(p.name) && typeof p.glm5Multiplier === "number")
    .map((p) => p.glm5Multiplier as number)
  return {
    ...(named.length > 0 ? { peak: Math.max(...named) } : {}),
    ...(schedule.offPeakGlm5Multiplier === undefined ? {} : { offPeak: schedule.offPeakGlm5Multiplier }),
  }
}

/**
 * Whether the quota peak is on: a period named "quota" is active, or an active period sets a multiplier above the
 * off-peak baseline (a user schedule may name its own periods). A throttle-only peak is not a quota peak. Whether the
 * heavy class really costs more then is the plan's pricing (vocabulary.ts `peakCostsMore`).
 */
export function isQuotaPeak(state: PeakState, schedule?: PeakSchedule): boolean {
  if (!state.active) return false
  if (state.periods.includes("quota")) return true
  if (schedule === undefined) return false
  const peak = explicitMultipliers(schedule, state).peak
  return peak !== undefined && peak > (schedule.offPeakGlm5Multiplier ?? 1)
}

/** Whether Intl knows the time zone (a RangeError means it does not). */
export function isValidTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== "string" || timeZone.trim() === "") return false
  try {
    new Intl.DateTimeFormat("en-US", { timeZone })
    return true
  } catch {
    return false
  }
}

function formatIn(isoInstant: string, timeZone: string, pattern: typeof hm, fallback: string): string {
  const ms = new Date(isoInstant).getTime()
  if (Number.isNaN(ms) || (!isFixedZone(timeZone) && !isValidTimeZone(timeZone))) return fallback
  return pattern(wallClock(ms, timeZone))
}

/** "18:00": the instant's wall clock (24 h) in the zone; "--:--" for an invalid instant or zone. */
export function formatClock(isoInstant: string, timeZone: string): string {
  return formatIn(isoInstant, timeZone, hm, "--:--")
}

/** "Mon 18:00": weekday and wall clock in the zone; "--- --:--" for an invalid instant or zone. */
export function formatDayClock(isoInstant: string, timeZone: string): string {
  return formatIn(isoInstant, timeZone, dayHm, "--- --:--")
}

/**
 * `peakState` remembered until its next boundary (the peak's end, or the next start): the state only changes there,
 * and the hooks on OpenCode's chat path ask for it on every call. Pure apart from its own memory.
 */
export function memoPeakState(schedule: PeakSchedule = DEFAULT_PEAK_SCHEDULE): (now: Date) => PeakState {
  let state: PeakState | null = null
  let from = Infinity
  let until = -Infinity
  return (now) => {
    const t = now.getTime()
    if (state !== null && t >= from && t < until) return state
    state = peakState(now, schedule)
    const next = state.active ? state.endsAt : state.nextStartsAt
    from = t
    until = next === null ? t + 3_600_000 : Date.parse(next)
    return state
  }
}
