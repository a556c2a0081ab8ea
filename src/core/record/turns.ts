// What turns cost and how the week is paced: the turn figures of the report (`turns` in the JSON). Pure: this
// machine's record (its turn lines, core/records.ts), the API's windows, the clock and the catalog come in.
//
// Which figures are estimates: a turn's credits are the vendor's formula over the tokens OpenCode recorded (exact
// when the multipliers are published, an estimate when learned); the counter's change across a turn is exact unless
// other sessions were active then (`shared`); turns and windows left divide what is left by a turn's or a window's
// size; a team seat's figures are this machine's turns against the seat's allowance.
import type { ModelCatalog } from "../plans/model-catalog.ts"
import type { CreditAllowance, Seat } from "../plans/credit-catalog.ts"
import { learnRates } from "./learn.ts"
import { DAY_MS, FIVE_HOURS_MS, type LocalRecord, type TurnEvent } from "./records.ts"
import { turnCost, type LearnedRates } from "./turn-cost.ts"
import type { AccountState, PlanId, QuotaWindow, Phase } from "../types.ts"

const WEEK_MS = 7 * DAY_MS

export interface TurnFigure {
  at: string
  session: string
  model: string
  phase: Phase
  calls: number
  tokens: { input: number; cacheRead: number; output: number }
  mcp: number
  /** Credits at the phase it ran in: by the formula (published or learned multipliers), else the counter's change. */
  credits: number | null
  basis: "formula" | "learned" | "counter" | "unknown"
  /** The credit counter's change across the turn; null when unknown. */
  counterDelta: number | null
  /** Whether `credits` or the delta is an estimate (learned multipliers, or other sessions active). */
  estimate: boolean
  /** Credits as a percent of the 5-hour allowance. */
  fiveHourShare: number | null
  /** The same turn off-peak, when it ran at the quota peak. */
  offPeakCredits: number | null
}

export interface WeekPace {
  /** Percent of the week's credits used, and percent of the week gone. */
  usedPercent: number
  elapsedPercent: number
  resetsAt: string
  state: "ahead" | "on" | "under"
}

export interface TurnsReport {
  last: TurnFigure | null
  /** Turns of the last 24 hours: how many, their median and largest credits. */
  recent: { turns: number; median: number | null; largest: number | null }
  /** Credits left: exact from counters, else an estimate from the percentage and the allowance (or a seat). */
  fiveHourLeft: number | null
  weeklyLeft: number | null
  /** ≈ turns of the median size (at the current phase) left in the 5-hour window (the week on a weekly-only plan). */
  turnsLeft: number | null
  /** ≈ full 5-hour windows the week's credits still hold. */
  windowsLeft: number | null
  pace: WeekPace | null
  /** The week runs out before this 5-hour window does: it is what binds. */
  weekBinds: boolean
  /** A team member's seat: this machine's turns against its allowance (the API shows members no quota). */
  seat: { seat: Seat; fiveHourUsed: number; weeklyUsed: number; allowance: CreditAllowance } | null
  learned: LearnedRates[]
  /** Models of recorded turns whose multipliers are neither published nor learned. */
  unknownModels: string[]
}

export interface TurnsInput {
  records: readonly LocalRecord[]
  windows: readonly QuotaWindow[]
  plan: PlanId | null
  now: Date
  /** The phase now (the size of a turn "now" is its 1× size at this phase). */
  phase: Phase
  catalog: ModelCatalog
  seat?: Seat | null
  account?: AccountState | null
}

/** The turns of the record, each by its last line (a turn is written again when its counter change is known). */
export function turnsOf(records: readonly LocalRecord[]): TurnEvent[] {
  const byId = new Map<string, TurnEvent>()
  for (const r of records) if (r.kind === "turn") byId.set(r.id, r)
  return [...byId.values()].sort((a, b) => a.t - b.t)
}

const r1 = (n: number): number => Math.round(n * 10) / 10

function median(xs: number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** A turn's credits as shown: the formula (learned rates for an unknown model), else the counter's change. */
function creditsOf(t: TurnEvent, catalog: ModelCatalog, learned: readonly LearnedRates[]) {
  if (t.credits !== null) return { credits: t.credits, basis: "formula" as const, estimate: false }
  const call = { model: t.model, input: t.input, cacheRead: t.cacheRead, output: t.output }
  const c = t.single ? turnCost([call], catalog, t.phase, { mcpCalls: t.mcp, at: t.t, learned }) : null
  if (c !== null && c.credits !== null) return { credits: c.credits, basis: "learned" as const, estimate: true }
  if (t.delta !== null) return { credits: t.delta, basis: "counter" as const, estimate: t.shared }
  return { credits: null, basis: "unknown" as const, estimate: false }
}

interface Left {
  fiveHour: number | null
  weekly: number | null
  fiveHourLimit: number | null
}

/** Credits left in a window: its counters, else its percentage of the allowance (an estimate). */
function leftIn(w: QuotaWindow | undefined, allowance: number | null): { left: number | null; limit: number | null } {
  if (w === undefined) return { left: null, limit: null }
  if (w.meter === "credits" && w.limit !== null && (w.remaining !== null || w.used !== null))
    return { left: Math.max(0, w.remaining ?? w.limit - w.used!), limit: w.limit }
  if (w.meter === "tokens" || w.usedPercent === null || allowance === null) return { left: null, limit: null }
  return { left: Math.max(0, (allowance * (100 - w.usedPercent)) / 100), limit: allowance }
}

function paceOf(week: QuotaWindow | undefined, now: number): WeekPace | null {
  if (week === undefined || week.usedPercent === null || week.resetsAt === null) return null
  const toReset = Date.parse(week.resetsAt) - now
  if (!(toReset > 0)) return null
  const elapsed = r1(Math.min(100, Math.max(0, (1 - toReset / WEEK_MS) * 100)))
  const used = week.usedPercent
  const state = used > elapsed + 5 ? "ahead" : used < elapsed - 5 ? "under" : "on"
  return { usedPercent: used, elapsedPercent: elapsed, resetsAt: week.resetsAt, state }
}

/** The turn figures of the report; null when there is nothing to say (no turn recorded and no weekly window). */
export function turnsReport(input: TurnsInput): TurnsReport | null {
  const { catalog, now } = input
  const nowMs = now.getTime()
  const costs = catalog.credits
  // A turn stamped a little ahead (another process's clock, GLM_QUOTA_NOW running in the plugin) still counts.
  const turns = turnsOf(input.records)
  const learned = learnRates(turns, catalog)
  const five = input.windows.find((w) => w.kind === "five_hour")
  const week = input.windows.find((w) => w.kind === "weekly")
  const pace = paceOf(week, nowMs)
  if (turns.length === 0 && pace === null) return null

  const shown = turns.map((t) => ({ t, ...creditsOf(t, catalog, learned) }))
  const seat = input.seat && input.account === "team_member" && input.windows.length === 0 ? input.seat : null
  const allowance = seat !== null ? costs.seats[seat] : input.plan === null ? null : costs.plans[input.plan]
  const used = (ms: number) =>
    shown.filter((x) => x.t.t > nowMs - ms && x.credits !== null).reduce((s, x) => s + x.credits!, 0)
  const left: Left =
    seat !== null
      ? {
          fiveHour: Math.max(0, allowance!.fiveHour - used(FIVE_HOURS_MS)),
          weekly: Math.max(0, allowance!.weekly - used(WEEK_MS)),
          fiveHourLimit: allowance!.fiveHour,
        }
      : (() => {
          const f = leftIn(five, allowance?.fiveHour ?? null)
          return { fiveHour: f.left, weekly: leftIn(week, allowance?.weekly ?? null).left, fiveHourLimit: f.limit }
        })()

  const recent = shown.filter((x) => x.t.t > nowMs - DAY_MS && x.credits !== null)
  // A turn's size now: its 1× size at the current phase.
  const sizes = recent.map((x) => (x.credits! / costs.phaseFactor[x.t.phase]) * costs.phaseFactor[input.phase])
  const size = median(sizes)
  const pool = five !== undefined || seat !== null ? left.fiveHour : left.weekly
  const lastShown = shown[shown.length - 1]
  return {
    last: lastShown === undefined ? null : figure(lastShown, left.fiveHourLimit, catalog),
    recent: {
      turns: recent.length,
      median: size === null ? null : r1(median(recent.map((x) => x.credits!))!),
      largest: recent.length === 0 ? null : r1(Math.max(...recent.map((x) => x.credits!))),
    },
    fiveHourLeft: left.fiveHour === null ? null : Math.round(left.fiveHour),
    weeklyLeft: left.weekly === null ? null : Math.round(left.weekly),
    turnsLeft: size === null || size <= 0 || pool === null ? null : Math.floor(pool / size),
    windowsLeft:
      left.weekly === null || left.fiveHourLimit === null || left.fiveHourLimit <= 0
        ? null
        : Math.floor(left.weekly / left.fiveHourLimit),
    pace,
    weekBinds: left.weekly !== null && left.fiveHour !== null && left.weekly < left.fiveHour,
    seat:
      seat === null
        ? null
        : { seat, fiveHourUsed: r1(used(FIVE_HOURS_MS)), weeklyUsed: r1(used(WEEK_MS)), allowance: allowance! },
    learned,
    unknownModels: [...new Set(shown.filter((x) => x.basis === "unknown").map((x) => x.t.model))],
  }
}

function figure(
  x: { t: TurnEvent } & ReturnType<typeof creditsOf>,
  fiveHourLimit: number | null,
  catalog: ModelCatalog,
): TurnFigure {
  const { t } = x
  const f = catalog.credits.phaseFactor
  return {
    at: new Date(t.t).toISOString(),
    session: t.session,
    model: t.model,
    phase: t.phase,
    calls: t.calls,
    tokens: { input: t.input, cacheRead: t.cacheRead, output: t.output },
    mcp: t.mcp,
    credits: x.credits,
    basis: x.basis,
    counterDelta: t.delta,
    estimate: x.estimate || (t.delta !== null && t.shared),
    fiveHourShare:
      x.credits === null || fiveHourLimit === null || fiveHourLimit <= 0 ? null : r1((x.credits / fiveHourLimit) * 100),
    offPeakCredits:
      x.credits === null || t.phase !== "peak" ? null : Math.round((x.credits / f.peak) * f.offPeak * 100) / 100,
  }
}
