// A user's override of the peak schedule (the `peak` option): each field taken when valid, else the default, with a
// phrase naming what was wrong. Pure; never throws.
import {
  DEFAULT_PEAK_SCHEDULE,
  isValidTimeZone,
  parseClock,
  toMinutes,
  type PeakPeriod,
  type PeakSchedule,
} from "./peak.ts"

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** A quota multiplier: 0 (free) up to 100 (no plan has charged more than 3×; beyond 100 it is a typo). */
export const MAX_MULTIPLIER = 100
const isMultiplier = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= MAX_MULTIPLIER

/** One period of a user override, or the problems that make it unusable. */
function parsePeriod(input: unknown, where: string): { period: PeakPeriod | null; problems: string[] } {
  if (!isRecord(input)) return { period: null, problems: [`${where}: expected an object`] }
  const problems: string[] = []

  const name = input.name
  if (typeof name !== "string" || name.trim() === "") problems.push(`${where}.name: expected a non-empty string`)

  const days = input.days
  const validDays =
    Array.isArray(days) &&
    days.length > 0 &&
    days.every((day: unknown) => typeof day === "number" && Number.isInteger(day) && day >= 1 && day <= 7)
  if (!validDays) problems.push(`${where}.days: expected a non-empty list of ISO weekdays 1–7`)

  const start = parseClock(input.start, false)
  if (!start) problems.push(`${where}.start: expected "HH:mm" (00:00–23:59)`)
  const end = parseClock(input.end, true)
  if (!end) problems.push(`${where}.end: expected "HH:mm" (00:00–24:00)`)
  if (start && end && toMinutes(start) === toMinutes(end)) problems.push(`${where}.end: must differ from start`)

  const multiplier = input.glm5Multiplier
  if (multiplier !== undefined && !isMultiplier(multiplier)) {
    problems.push(`${where}.glm5Multiplier: expected a number from 0 to 100`)
  }

  if (problems.length > 0 || typeof name !== "string" || !Array.isArray(days)) return { period: null, problems }
  const period: PeakPeriod = {
    name,
    days: [...new Set(days as number[])],
    start: input.start as string,
    end: input.end as string,
  }
  if (isMultiplier(multiplier)) period.glm5Multiplier = multiplier
  return { period, problems }
}

const copySchedule = (schedule: PeakSchedule): PeakSchedule => ({
  timeZone: schedule.timeZone,
  periods: schedule.periods.map((period) => ({ ...period, days: [...period.days] })),
  ...(schedule.offPeakGlm5Multiplier === undefined ? {} : { offPeakGlm5Multiplier: schedule.offPeakGlm5Multiplier }),
})

/**
 * Validates a user override of the schedule. Partial input is fine: `timeZone`, `periods` and
 * `offPeakGlm5Multiplier` are each taken when valid and otherwise fall back to `base`, with a short
 * phrase naming the field in `problems`. `periods` is taken or rejected as a whole (one bad period
 * rejects the list, so a typo never silently drops a period); `[]` is valid and disables peaks.
 * Unknown fields are ignored; null/undefined input means "no override". Never throws.
 */
export function parsePeakSchedule(
  input: unknown,
  base: PeakSchedule = DEFAULT_PEAK_SCHEDULE,
): { schedule: PeakSchedule; problems: string[] } {
  const schedule = copySchedule(base)
  if (input === undefined || input === null) return { schedule, problems: [] }
  if (!isRecord(input)) return { schedule, problems: ["peak schedule: expected an object"] }

  const problems: string[] = []
  try {
    if (input.timeZone !== undefined) {
      if (isValidTimeZone(input.timeZone)) schedule.timeZone = input.timeZone
      else problems.push(`timeZone: unknown time zone ${JSON.stringify(input.timeZone) ?? String(input.timeZone)}`)
    }

    if (input.periods !== undefined) {
      const periods = input.periods
      if (!Array.isArray(periods)) {
        problems.push("periods: expected a list")
      } else {
        const parsed = periods.map((period: unknown, index: number) => parsePeriod(period, `periods[${index}]`))
        const periodProblems = parsed.flatMap((result) => result.problems)
        if (periodProblems.length > 0) problems.push(...periodProblems)
        else schedule.periods = parsed.flatMap((result) => (result.period ? [result.period] : []))
      }
    }

    if (input.offPeakGlm5Multiplier !== undefined) {
      if (isMultiplier(input.offPeakGlm5Multiplier)) schedule.offPeakGlm5Multiplier = input.offPeakGlm5Multiplier
      else problems.push("offPeakGlm5Multiplier: expected a number from 0 to 100")
    }
  } catch {
    // Exotic inputs (throwing getters, proxies): keep the base.
    return { schedule: copySchedule(base), problems: [...problems, "peak schedule: unreadable"] }
  }
  return { schedule, problems }
}
