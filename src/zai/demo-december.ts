// The December 2026 shapes of quota/limit, as the demo API (and the tests' simulator) answers them: two generations of
// rows for the same windows, a weekly-only plan, a fresh account (`data: {}`) and a team member's key (`limits: []`).
// Allowances are the credit catalog's (src/core/plans/credit-catalog.ts).
import { CREDIT_COSTS } from "../core/plans/credit-catalog.ts"
import type { PlanId } from "../core/types.ts"

export type DecemberEra = "december" | "weekly_only" | "fresh" | "team"

export const DECEMBER_ERAS: ReadonlySet<string> = new Set<DecemberEra>(["december", "weekly_only", "fresh", "team"])

export interface DecemberState {
  plan: PlanId
  fiveHourPercent: number
  weeklyPercent: number
  fiveHourResetInMs: number
  weeklyResetInMs: number
  extraLimits: unknown[]
}

function creditRow(unit: 3 | 6, cap: number, percent: number, resetAt: number): Record<string, unknown> {
  const used = Math.round((cap * percent) / 100)
  return {
    type: "CREDIT_LIMIT",
    unit,
    number: unit === 3 ? 5 : 1,
    usage: cap,
    currentValue: used,
    remaining: Math.max(0, cap - used),
    percentage: Math.floor((used / cap) * 100),
    nextResetTime: resetAt,
  }
}

/** The quota/limit `data` of a December shape at `now`. */
export function decemberData(era: DecemberEra, s: DecemberState, nowMs: number): Record<string, unknown> {
  if (era === "fresh") return {}
  if (era === "team") return { level: s.plan, limits: [] }
  const caps = CREDIT_COSTS.plans[s.plan]
  const week = creditRow(6, caps.weekly, s.weeklyPercent, nowMs + s.weeklyResetInMs)
  if (era === "weekly_only") return { level: s.plan, limits: [week, ...s.extraLimits] }
  const fiveReset = nowMs + s.fiveHourResetInMs
  return {
    level: s.plan,
    limits: [
      // The legacy rows, percentage-only and at 0 %, listed before the credit rows of the same windows.
      { type: "TOKENS_LIMIT", unit: 3, number: 5, percentage: 0, nextResetTime: fiveReset },
      { type: "TOKENS_LIMIT", unit: 6, number: 1, percentage: 0 },
      creditRow(3, caps.fiveHour, s.fiveHourPercent, fiveReset),
      week,
      ...s.extraLimits,
    ],
  }
}
