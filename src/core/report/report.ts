// Snapshot + clock + settings → the Report of the JSON contract (schema 1). Pure.
import type { LocalRecord } from "../record/records.ts"
import { runway } from "../record/runway.ts"
import { summarise } from "../record/summary.ts"
import { MODEL_CATALOG, multiplierNow, pricingAt, type ModelCatalog } from "../plans/model-catalog.ts"
import { resetCardsReport } from "./reset-cards.ts"
import { recommendModel, type ModelPreference } from "../plans/choose-model.ts"
import {
  DEFAULT_PEAK_SCHEDULE,
  explicitMultipliers,
  isQuotaPeak,
  peakState,
  type PeakSchedule,
  type PeakState,
} from "../time/peak.ts"
import { PLAN_CATALOG, type PlanCatalog } from "../plans/plan-catalog.ts"
import type {
  AccountReport,
  PlanGeneration,
  PlanId,
  Policy,
  Pricing,
  QuotaSnapshot,
  QuotaWindow,
  QuotaWindowKind,
  Region,
} from "../types.ts"
import type { Recommendation } from "../plans/choose-model.ts"
import type { ResetCardsReport } from "./reset-cards.ts"
import type { TurnsReport } from "../record/turns.ts"
import type { LocalSummary } from "../record/summary.ts"
import type { Runway } from "../record/runway.ts"
import { bindingWindow } from "./windows.ts"
import { accountReport } from "./account.ts"
import type { Seat } from "../plans/credit-catalog.ts"
import { turnsReport } from "../record/turns.ts"

/** The JSON contract, schema 1 (DESIGN.md). */
export interface Report {
  schema: 1
  plan: PlanId | null
  region: Region
  fetchedAt: string
  stale: boolean
  windows: QuotaWindow[]
  binding: QuotaWindowKind | null
  peak: PeakState
  /** What each model class costs per phase on this plan generation now (extension of schema 1). */
  pricing?: Pricing
  recommendation: Recommendation
  /** This machine's own record (the plugin's local 5-hour window); null when there is none. Extension of schema 1. */
  local?: LocalReport | null
  /** Reset cards the account holds and which window one would help now; null when the host reports none. */
  resetCards?: ResetCardsReport | null
  /** Set when the API showed no windows: why, in one sentence (extension of schema 1). */
  account?: AccountReport | null
  /** What turns cost and how the week is paced (extension of schema 1); null when there is nothing to say. */
  turns?: TurnsReport | null
}

/** This machine's record, beside the account-wide figures of the API. */
export interface LocalReport {
  scope: "this machine"
  summary: LocalSummary
  /** The binding window's runway at the pace of the API snapshots of the last hour. */
  runway: { window: QuotaWindowKind | null } & Runway
}

export interface ReportSettings {
  now: Date
  stale?: boolean
  schedule?: PeakSchedule
  policy?: Policy
  catalog?: PlanCatalog
  /** The peak state at `now`, when the caller already has it (the plugin keeps it until its next boundary). */
  peak?: PeakState
  /** This machine's record; undefined leaves `local` out of the report, null or [] makes it null. */
  local?: readonly LocalRecord[] | null
  /** The model ids the user can pick (the provider's list, or the coding endpoint's); null: the catalog for the date. */
  models?: readonly string[] | null
  modelCatalog?: ModelCatalog
  prefer?: ModelPreference
  /** A team member's seat (option `team.seat`, `--seat`): this machine's turns count against its allowance. */
  seat?: Seat | null
}

/** The plan generation the windows show: credits on credit plans, tokens on the legacy ones; null when none says. */
export function generationOf(windows: readonly QuotaWindow[]): PlanGeneration | null {
  if (windows.some((w) => w.meter === "credits")) return "credit"
  if (windows.some((w) => w.meter === "tokens" && (w.kind === "five_hour" || w.kind === "weekly"))) return "legacy"
  return null
}

/** The plan's pricing now and the peak state carrying the GLM-5-class multiplier that applies now. */
export function pricedPeak(snapshot: QuotaSnapshot, settings: ReportSettings): { peak: PeakState; pricing: Pricing } {
  const schedule = settings.schedule ?? DEFAULT_PEAK_SCHEDULE
  const state = settings.peak ?? peakState(settings.now, schedule)
  const pricing = pricingAt({
    catalog: settings.modelCatalog ?? MODEL_CATALOG,
    generation: generationOf(snapshot.windows),
    at: settings.now.getTime(),
    quotaPeak: isQuotaPeak(state, schedule),
    explicit: explicitMultipliers(schedule, state),
  })
  return { peak: { ...state, glm5Multiplier: multiplierNow(pricing, "glm-5") }, pricing }
}

function withClockNotes(w: QuotaWindow, now: Date): QuotaWindow {
  if (w.resetsAt === null || Date.parse(w.resetsAt) > now.getTime()) return w
  const note = "the reset time the API gave has already passed; the next refresh will show the new window"
  return { ...w, note: w.note ? `${w.note}; ${note}` : note }
}

export function localReport(
  records: readonly LocalRecord[],
  windows: QuotaWindow[],
  snapshot: QuotaSnapshot,
  settings: ReportSettings,
): LocalReport {
  const binding = bindingWindow(windows)
  const w = binding === null ? undefined : windows.find((x) => x.kind === binding)
  const summary = summarise({
    records,
    now: settings.now,
    plan: snapshot.plan,
    catalog: settings.catalog ?? PLAN_CATALOG,
  })
  const r =
    w === undefined
      ? { state: "no_data" as const }
      : runway({ window: binding!, usedPercent: w.usedPercent, resetsAt: w.resetsAt, records, now: settings.now })
  return { scope: "this machine", summary, runway: { window: binding, ...r } }
}

export function buildReport(snapshot: QuotaSnapshot, settings: ReportSettings): Report {
  const schedule = settings.schedule ?? DEFAULT_PEAK_SCHEDULE
  const windows = snapshot.windows.map((w) => withClockNotes(w, settings.now))
  const { peak, pricing } = pricedPeak(snapshot, settings)
  const report: Report = {
    schema: 1,
    plan: snapshot.plan,
    region: snapshot.region,
    fetchedAt: snapshot.fetchedAt,
    stale: settings.stale ?? false,
    windows,
    binding: bindingWindow(windows),
    peak,
    pricing,
    recommendation: recommendModel({
      plan: snapshot.plan,
      windows,
      peak,
      pricing,
      now: settings.now,
      region: snapshot.region,
      listed: settings.models ?? null,
      policy: settings.policy ?? "balanced",
      catalog: settings.modelCatalog ?? MODEL_CATALOG,
      prefer: settings.prefer,
      peakTimeZone: schedule.timeZone,
    }),
  }
  if (snapshot.resetCards !== undefined) {
    report.resetCards =
      snapshot.resetCards === null ? null : resetCardsReport(snapshot.resetCards, windows, report.binding, settings.now)
  }
  if (snapshot.account) report.account = accountReport(snapshot.account, snapshot.region, settings.seat ?? null)
  if (settings.local !== undefined) {
    report.local =
      settings.local === null || settings.local.length === 0
        ? null
        : localReport(settings.local, windows, snapshot, settings)
    report.turns = turnsReport({
      records: settings.local ?? [],
      windows,
      plan: snapshot.plan,
      now: settings.now,
      phase: pricing.phase,
      catalog: settings.modelCatalog ?? MODEL_CATALOG,
      seat: settings.seat ?? null,
      account: snapshot.account ?? null,
    })
  }
  return report
}

/** Exit status of the contract: 2 when a five-hour or weekly window is used up, else 0. */
export function exitStatus(report: Report): 0 | 2 {
  const full = report.windows.some(
    (w) => (w.kind === "five_hour" || w.kind === "weekly") && w.usedPercent !== null && w.usedPercent >= 100,
  )
  return full ? 2 : 0
}
