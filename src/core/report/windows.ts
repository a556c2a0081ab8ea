// Window normalisation: one raw `limits` entry → one QuotaWindow, identified by type and unit, never by position.
import type { Meter, QuotaWindow, QuotaWindowKind, WindowKind } from "../types.ts"

/** A `limits` entry after tolerant parsing: every field optional, numbers already finite or null. */
export interface RawLimit {
  type: string | null
  unit: number | null
  number: number | null
  percentage: number | null
  usage: number | null
  currentValue: number | null
  remaining: number | null
  /** epoch milliseconds */
  nextResetTime: number | null
  usageDetails: { modelCode: string; usage: number | null }[] | null
}

const QUOTA_TYPES = new Set(["TOKENS_LIMIT", "CREDIT_LIMIT"])
const FIVE_HOUR_UNIT = 3
const WEEKLY_UNIT = 6
const MONTHLY_UNIT = 5

export function classify(raw: Pick<RawLimit, "type" | "unit" | "number">): WindowKind {
  const type = (raw.type ?? "").toUpperCase()
  if (QUOTA_TYPES.has(type)) {
    if (raw.unit === FIVE_HOUR_UNIT && (raw.number === 5 || raw.number === null)) return "five_hour"
    if (raw.unit === WEEKLY_UNIT && (raw.number === 1 || raw.number === 7 || raw.number === null)) return "weekly"
    return "other"
  }
  if (type === "TIME_LIMIT" && raw.unit === MONTHLY_UNIT && (raw.number === 1 || raw.number === null))
    return "mcp_monthly"
  return "other"
}

export function meterOf(type: string | null): Meter {
  const t = (type ?? "").toUpperCase()
  if (t.includes("CREDIT")) return "credits"
  if (t.startsWith("TIME") || t.includes("CALL") || t.includes("MCP")) return "calls"
  return "tokens"
}

function clampPercent(value: number): { value: number; clamped: boolean } {
  const rounded = Math.round(value)
  if (rounded < 0) return { value: 0, clamped: true }
  if (rounded > 100) return { value: 100, clamped: true }
  return { value: rounded, clamped: false }
}

function counter(value: number | null, notes: string[], name: string): number | null {
  if (value === null) return null
  if (value < 0) {
    notes.push(`${name} ${value} is negative and was dropped`)
    return null
  }
  return value
}

export function normaliseWindow(raw: RawLimit): QuotaWindow {
  const kind = classify(raw)
  const notes: string[] = []
  const limit = counter(raw.usage, notes, "limit")
  const used = counter(raw.currentValue, notes, "used")
  const remaining = counter(raw.remaining, notes, "remaining")

  // The counters are exact; the API's own percentage is rounded down (569 / 12,000 credits is sent as 4).
  let usedPercent: number | null = null
  if (used !== null && limit !== null && limit > 0) {
    // Used beyond the cap happens (the API documents it): 100 %, the counters kept as sent.
    usedPercent = Math.min(100, Math.max(0, Math.round((used / limit) * 1000) / 10))
  } else if (raw.percentage !== null) {
    const p = clampPercent(raw.percentage)
    if (p.clamped) notes.push(`the API reported ${raw.percentage} %, shown as ${p.value} %`)
    usedPercent = p.value
  }

  const window: QuotaWindow = {
    kind,
    meter: meterOf(raw.type),
    usedPercent,
    used,
    limit,
    remaining,
    resetsAt: raw.nextResetTime === null ? null : new Date(raw.nextResetTime).toISOString(),
  }
  if (raw.usageDetails !== null && raw.usageDetails.length > 0) {
    const tools: Record<string, number> = {}
    for (const d of raw.usageDetails) {
      if (d.modelCode === "" || d.usage === null || d.usage < 0) continue
      const sum = (tools[d.modelCode] ?? 0) + d.usage
      if (Number.isFinite(sum)) tools[d.modelCode] = sum
    }
    window.tools = tools
  }
  if (kind === "other") {
    window.type = raw.type ?? "UNKNOWN"
    window.unit = raw.unit
    window.number = raw.number
  }
  if (notes.length > 0) window.note = notes.join("; ")
  return window
}

/** How much a row says about its window: counters first, then a credit row over a legacy token row. */
const rowScore = (w: QuotaWindow): number =>
  (w.used !== null && w.limit !== null ? 2 : 0) + (w.meter === "credits" ? 1 : 0)

/**
 * One window per five-hour and weekly kind. From December 2026 the API can send two generations of rows for the same
 * window — a `CREDIT_LIMIT` row with counters beside a percentage-only `TOKENS_LIMIT` row (often at 0 %): the window
 * is read from the row with counters (a credit row over a token row; ties: the fuller one, so a warning is never
 * lost to a duplicate row). Other kinds pass as they came.
 */
export function mergeGenerations(windows: QuotaWindow[]): QuotaWindow[] {
  const best = new Map<WindowKind, QuotaWindow>()
  for (const w of windows) {
    if (w.kind !== "five_hour" && w.kind !== "weekly") continue
    const kept = best.get(w.kind)
    const fuller = (w.usedPercent ?? -1) > (kept?.usedPercent ?? -1)
    if (kept === undefined || rowScore(w) > rowScore(kept) || (rowScore(w) === rowScore(kept) && fuller))
      best.set(w.kind, w)
  }
  return windows.filter((w) => (w.kind !== "five_hour" && w.kind !== "weekly") || best.get(w.kind) === w)
}

const ORDER: Record<WindowKind, number> = { five_hour: 0, weekly: 1, mcp_monthly: 2, other: 3 }

/** Known windows first (five_hour, weekly, mcp_monthly), then the others in the API's order. */
export function sortWindows(windows: QuotaWindow[]): QuotaWindow[] {
  return windows
    .map((w, i) => ({ w, i }))
    .sort((a, b) => ORDER[a.w.kind] - ORDER[b.w.kind] || a.i - b.i)
    .map((x) => x.w)
}

/** The five-hour or weekly window nearest exhaustion; ties go to the later reset. */
export function bindingWindow(windows: QuotaWindow[]): QuotaWindowKind | null {
  let best: QuotaWindow | null = null
  for (const w of windows) {
    if (w.kind !== "five_hour" && w.kind !== "weekly") continue
    if (w.usedPercent === null) continue
    if (best === null || best.usedPercent === null) {
      best = w
      continue
    }
    if (w.usedPercent > best.usedPercent) best = w
    else if (w.usedPercent === best.usedPercent && resetMs(w) > resetMs(best)) best = w
  }
  return best === null ? null : (best.kind as QuotaWindowKind)
}

function resetMs(w: QuotaWindow): number {
  return w.resetsAt === null ? -Infinity : Date.parse(w.resetsAt)
}
