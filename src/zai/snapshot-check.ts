// A snapshot read back from the cache is checked before it is trusted: the file is this tool's own, but a half-written
// disk, an older version, a hand edit or another program can leave valid JSON that is not a snapshot — and every report
// computed from it would crash. Checked by hand (not zod): the CLI reads an entry on every run, and zod's first parse
// of a schema costs ~1 ms in a fresh process.
import type { QuotaSnapshot } from "../core/types.ts"

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v)
const numOrNull = (v: unknown) => v === null || (typeof v === "number" && Number.isFinite(v))
const strOrNull = (v: unknown) => v === null || typeof v === "string"
const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v)
const dateOrNull = (v: unknown) => v === null || (typeof v === "string" && Number.isFinite(Date.parse(v)))
const oneOf =
  (...values: string[]) =>
  (v: unknown) =>
    typeof v === "string" && values.includes(v)

const KIND = oneOf("five_hour", "weekly", "mcp_monthly", "other")
const METER = oneOf("tokens", "credits", "calls")

function isWindow(v: unknown): boolean {
  if (!isObj(v)) return false
  return (
    KIND(v.kind) &&
    METER(v.meter) &&
    numOrNull(v.usedPercent) &&
    numOrNull(v.used) &&
    numOrNull(v.limit) &&
    numOrNull(v.remaining) &&
    dateOrNull(v.resetsAt) &&
    optional(v.tools, (t) => isObj(t) && Object.values(t).every((n) => typeof n === "number" && Number.isFinite(n))) &&
    optional(v.type, (t) => typeof t === "string") &&
    optional(v.unit, numOrNull) &&
    optional(v.number, numOrNull) &&
    optional(v.note, (t) => typeof t === "string")
  )
}

const series = (v: unknown) => Array.isArray(v) && v.every(numOrNull)

function isUsage(v: unknown): boolean {
  if (!isObj(v) || !Array.isArray(v.hours) || !v.hours.every((h) => typeof h === "string")) return false
  if (!series(v.modelCalls) || !series(v.tokens) || !isObj(v.totals) || !isObj(v.tools)) return false
  if (
    !Array.isArray(v.perModel) ||
    !v.perModel.every((p) => isObj(p) && typeof p.model === "string" && series(p.tokens))
  )
    return false
  const t = v.totals
  const tools = v.tools
  return (
    [t.modelCalls, t.tokens, t.search, t.webRead, t.zread].every(numOrNull) &&
    [tools.search, tools.webRead, tools.zread].every(series)
  )
}

const isCardCount = (v: unknown) =>
  isObj(v) && typeof v.available === "number" && Number.isFinite(v.available) && dateOrNull(v.nextExpiresAt)

const isCards = (v: unknown) =>
  isObj(v) &&
  isCardCount(v.fiveHour) &&
  isCardCount(v.weekly) &&
  dateOrNull(v.lastFiveHourResetAt) &&
  dateOrNull(v.lastWeeklyResetAt)

const isSubscription = (v: unknown) =>
  isObj(v) &&
  [v.productName, v.status, v.billingCycle].every(strOrNull) &&
  dateOrNull(v.nextRenewTime) &&
  (v.autoRenew === null || typeof v.autoRenew === "boolean")

/** Whether `v` has every field a report reads, of the right type (extra fields are allowed: a newer version's). */
export function isSnapshot(v: unknown): v is QuotaSnapshot {
  if (!isObj(v)) return false
  return (
    (v.plan === null || oneOf("lite", "pro", "max")(v.plan)) &&
    strOrNull(v.planLabel) &&
    oneOf("international", "china")(v.region) &&
    typeof v.fetchedAt === "string" &&
    Number.isFinite(Date.parse(v.fetchedAt)) &&
    Array.isArray(v.windows) &&
    v.windows.every(isWindow) &&
    optional(v.subscription, (s) => s === null || isSubscription(s)) &&
    optional(v.usage, (u) => u === null || isUsage(u)) &&
    optional(v.resetCards, (c) => c === null || isCards(c)) &&
    optional(v.account, (a) => a === null || oneOf("fresh", "team_member")(a))
  )
}
