// Domain types shared by every room of core/ and every edge: the leaf of the import graph (it imports nothing;
// test/repo/layers.test.ts holds it to that). The report's own shapes live beside their makers (report/report.ts).

/** The process environment as the entries hand it down (only they read `process.env`). */
export type Env = Readonly<Record<string, string | undefined>>

export type Region = "international" | "china"
export type PlanId = "lite" | "pro" | "max"
export type WindowKind = "five_hour" | "weekly" | "mcp_monthly" | "other"
export type Meter = "tokens" | "credits" | "calls"
/** The two windows the quota is bound by (the MCP allowance is counted apart). */
export type QuotaWindowKind = "five_hour" | "weekly"
export type Policy = "quality" | "balanced" | "economy"
/** Heavy (GLM-5 class) or light (GLM-4.7 class): what the recommendation switches between. */
export type ModelClass = "glm-5" | "glm-4.7"
/** Legacy token plans (5-hour ± weekly + monthly MCP) or the credit plans sold from 30 Jul 2026. */
export type PlanGeneration = "legacy" | "credit"
export type Phase = "peak" | "offPeak"

export interface Pricing {
  generation: PlanGeneration
  /** Whether the quota peak is on now. */
  phase: Phase
  "glm-5": { peak: number; offPeak: number }
  "glm-4.7": { peak: number; offPeak: number }
}

/** What the client reads of an answer: a fetch Response has it, and so does the CLI's small node:http client. */
export interface HttpAnswer {
  status: number
  headers: { get(name: string): string | null }
  /** The body as chunks; stopping the iteration early releases the connection. */
  body: AsyncIterable<Uint8Array> | null
}

export type FetchLike = (input: string, init: RequestInit) => Promise<HttpAnswer>

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

export interface AccountReport {
  state: AccountState
  /** One plain sentence: what this answer means and what to do. */
  message: string
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
