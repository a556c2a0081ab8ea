// Domain types shared by core/, zai/, opencode/ and the CLI. No I/O here.
import type { ModelClass, Pricing } from "./plans/model-catalog.ts"
import type { ResetCardsReport } from "./report/reset-cards.ts"
import type { Runway } from "./record/runway.ts"
import type { LocalSummary } from "./record/summary.ts"
import type { TurnsReport } from "./record/turns.ts"

/** The process environment as the entries hand it down (only they read `process.env`). */
export type Env = Readonly<Record<string, string | undefined>>

export type Region = "international" | "china"
export type PlanId = "lite" | "pro" | "max"
export type WindowKind = "five_hour" | "weekly" | "mcp_monthly" | "other"
export type Meter = "tokens" | "credits" | "calls"
/** The two windows the quota is bound by (the MCP allowance is counted apart). */
export type QuotaWindowKind = "five_hour" | "weekly"
export type Policy = "quality" | "balanced" | "economy"

/** One quota window, normalised from one entry of `limits`. Absent counters stay null. */
export interface QuotaWindow {
  kind: WindowKind
  meter: Meter
  /** Percent used, 0–100 after clamping; null when the API sent neither a percentage nor counters. */
  usedPercent: number | null
  used: number | null
  limit: number | null
  remaining: number | null
  /** ISO instant of `nextResetTime`, or null. */
  resetsAt: string | null
  /** MCP calls per tool (mcp_monthly only). */
  tools?: Record<string, number>
  /** Raw identifiers, kept for `other` windows. */
  type?: string
  unit?: number | null
  number?: number | null
  /** Set when a value the API sent was out of range and was clamped or dropped. */
  note?: string
}

/** What one successful read of the monitor API amounts to, before any clock-dependent computing. */
export interface QuotaSnapshot {
  plan: PlanId | null
  /** The plan name as the API spelled it (`level` or `planName`), for display. */
  planLabel: string | null
  region: Region
  fetchedAt: string
  windows: QuotaWindow[]
  /** Best-effort extras; null when not asked for or unavailable. */
  subscription?: Subscription | null
  usage?: UsageHistory | null
  /** The account's reset cards (customer-package-reset/list); null when the host or key reports none. */
  resetCards?: ResetCards | null
  /** Why the answer has no windows (December 2026 shapes): a fresh account, or a team member's key; else absent. */
  account?: AccountState | null
}

/**
 * An answer without windows, read as what it is: `data: {}` is an account where nothing has started yet ("fresh");
 * `{ level, limits: [] }` is a team member's key, which cannot see the team's quota ("team_member").
 */
export type AccountState = "fresh" | "team_member"

export interface Subscription {
  productName: string | null
  status: string | null
  nextRenewTime: string | null
  billingCycle: string | null
  autoRenew: boolean | null
}

/** Last 24 h of model and tool usage, hourly. Slots can be null (no data). */
export interface UsageHistory {
  hours: string[]
  modelCalls: (number | null)[]
  tokens: (number | null)[]
  perModel: { model: string; tokens: (number | null)[] }[]
  totals: {
    modelCalls: number | null
    tokens: number | null
    search: number | null
    webRead: number | null
    zread: number | null
  }
  tools: { search: (number | null)[]; webRead: (number | null)[]; zread: (number | null)[] }
}

export interface PeakState {
  active: boolean
  periods: string[]
  endsAt: string | null
  nextStartsAt: string | null
  glm5Multiplier: number
}

export interface Recommendation {
  /** A concrete id the user can pick: from the provider's (or the coding endpoint's) list, else the dated catalog. */
  model: string
  /** Heavy (`glm-5`) or light (`glm-4.7`) class. */
  class: ModelClass
  /** One line naming the rule and the multiplier in force. */
  reason: string
}

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

export interface AccountReport {
  state: AccountState
  /** One plain sentence: what this answer means and what to do. */
  message: string
}

/** This machine's record, beside the account-wide figures of the API. */
export interface LocalReport {
  scope: "this machine"
  summary: LocalSummary
  /** The binding window's runway at the pace of the API snapshots of the last hour. */
  runway: { window: QuotaWindowKind | null } & Runway
}

/** Errors are values at the boundaries. */
export type ErrorKind =
  "no_key" | "auth" | "rate_limited" | "timeout" | "network" | "server" | "bad_response" | "wrong_region" | "no_plan"

export interface QuotaError {
  kind: ErrorKind
  /** One plain sentence: what happened and what to do. Never contains the key. */
  message: string
  status?: number
  retryAfterMs?: number
}

export type Result<T, E = QuotaError> = { ok: true; value: T } | { ok: false; error: E }

/**
 * Reset cards the account holds, read only (never used from here). A five-hour card resets the 5-hour window; a week
 * card resets the weekly and the 5-hour window. Counts are of cards available and not expired at fetch time.
 */
export interface ResetCards {
  fiveHour: { available: number; nextExpiresAt: string | null }
  weekly: { available: number; nextExpiresAt: string | null }
  lastFiveHourResetAt: string | null
  lastWeeklyResetAt: string | null
}
