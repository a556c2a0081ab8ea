// Domain types shared by core/, zai/, opencode/ and the CLI. No I/O here.

export type Region = "international" | "china"
export type PlanId = "lite" | "pro" | "max"
export type WindowKind = "five_hour" | "weekly" | "mcp_monthly" | "other"
export type Meter = "tokens" | "credits" | "calls"
export type ModelId = "glm-4.7" | "glm-5"
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
}

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
  totals: { modelCalls: number | null; tokens: number | null; search: number | null; webRead: number | null; zread: number | null }
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
  model: ModelId
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
  binding: "five_hour" | "weekly" | null
  peak: PeakState
  recommendation: Recommendation
  /** This machine's own record (the plugin's local 5-hour window); null when there is none. Extension of schema 1. */
  local?: LocalReport | null
}

/** This machine's record, beside the account-wide figures of the API. */
export interface LocalReport {
  scope: "this machine"
  summary: import("./local.ts").LocalSummary
  /** The binding window's runway at the pace of the API snapshots of the last hour. */
  runway: { window: "five_hour" | "weekly" | null } & import("./local.ts").Runway
}

/** Errors are values at the boundaries. */
export type ErrorKind =
  | "no_key"
  | "auth"
  | "rate_limited"
  | "timeout"
  | "network"
  | "server"
  | "bad_response"
  | "wrong_region"

export interface QuotaError {
  kind: ErrorKind
  /** One plain sentence: what happened and what to do. Never contains the key. */
  message: string
  status?: number
  retryAfterMs?: number
}

export type Result<T, E = QuotaError> = { ok: true; value: T } | { ok: false; error: E }
