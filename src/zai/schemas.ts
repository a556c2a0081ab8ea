// zod schemas for every schema era of the monitor API (see zai-monitor-api.md). Tolerant: every field is
// optional, unknown fields pass through, a field of the wrong type becomes null instead of failing the answer.
import * as z from "zod/mini"

// No compiled fast path: zod would build each object parser with `new Function` on its first parse, which costs a
// start-up tens of milliseconds (measured: ~25 ms in the CLI's profile) to save microseconds on answers of a few kB.
z.config({ jitless: true })
import { cleanText, MAX_NAME, MAX_SERVER_TEXT } from "../core/text/sanitize.ts"
import type { RawLimit } from "../core/report/windows.ts"

/** A finite number, or a numeric string; anything else is null. */
export function toFiniteOrNull(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value)
    return Number.isFinite(n) ? n : null
  }
  return null
}

/** The first instant of the year 10000: later "times" are junk, and near JavaScript's last date no zone can show them. */
const MAX_EPOCH_MS = 253402300800000

/** An epoch in milliseconds (seconds are scaled up), a numeric string, or an ISO date string; else null. */
export function toEpochMsOrNull(value: unknown): number | null {
  const n = toFiniteOrNull(value)
  if (n !== null) {
    if (n <= 0) return null
    const ms = Math.round(n < 1e11 ? n * 1000 : n)
    return ms > 0 && ms < MAX_EPOCH_MS ? ms : null
  }
  if (typeof value === "string") {
    const t = Date.parse(value)
    return Number.isFinite(t) && t > 0 && t < MAX_EPOCH_MS ? t : null
  }
  return null
}

/** An optional field of any type, turned into what the parser keeps (never a failure). */
const opt = <T>(f: (v: unknown) => T) => z.pipe(z.optional(z.unknown()), z.transform(f))

const num = opt(toFiniteOrNull)
const epochMs = opt(toEpochMsOrNull)
/** An untrusted string, cleaned (sanitize.ts) and cut to `max`; null when nothing visible is left. */
const cleanedOrNull = (v: unknown, max: number): string | null => {
  if (typeof v !== "string") return null
  const t = cleanText(v, max)
  return t === "" ? null : t
}
/** Names from the server (plan, tool, model, product, status): cleaned at the parse boundary, never printed raw. */
const text = opt((v) => cleanedOrNull(v, MAX_NAME))
/** The envelope's message: cleaned here, cut to its shown length only after the key is redacted (errors.ts). */
const message = opt((v) => cleanedOrNull(v, MAX_SERVER_TEXT))
/** Hour labels of the usage series: cleaned too (they are server text), kept as "" when empty to keep positions. */
const labels = opt((v) => (Array.isArray(v) ? v.map((x) => (typeof x === "string" ? cleanText(x, MAX_NAME) : "")) : []))

/** The envelope every endpoint wraps its answer in. */
export const Envelope = z.looseObject({
  code: num,
  msg: message,
  message: message,
  success: opt((v) => (typeof v === "boolean" ? v : null)),
  data: z.optional(z.unknown()),
})
export type Envelope = z.infer<typeof Envelope>

const UsageDetail = z.pipe(
  z.looseObject({ modelCode: text, usage: num }),
  z.transform((d) => ({ modelCode: d.modelCode ?? "", usage: d.usage })),
)

export const LimitEntry = z.pipe(
  z.looseObject({
    type: text,
    unit: num,
    number: num,
    percentage: num,
    usage: num,
    currentValue: num,
    remaining: num,
    nextResetTime: epochMs,
    usageDetails: opt((v) => (Array.isArray(v) ? v : null)),
  }),
  z.transform((e): RawLimit => ({
    type: e.type,
    unit: e.unit,
    number: e.number,
    percentage: e.percentage,
    usage: e.usage,
    currentValue: e.currentValue,
    remaining: e.remaining,
    nextResetTime: e.nextResetTime,
    usageDetails:
      e.usageDetails === null
        ? null
        : e.usageDetails.flatMap((d) => {
            const r = UsageDetail.safeParse(d)
            return r.success ? [r.data] : []
          }),
  })),
)

export const QuotaLimitData = z.looseObject({
  level: text,
  planName: text,
  limits: opt((v) => (Array.isArray(v) ? v : [])),
})
export type QuotaLimitData = z.infer<typeof QuotaLimitData>

const series = opt((v) => (Array.isArray(v) ? v.map(toFiniteOrNull) : []))

export const ModelUsageData = z.looseObject({
  x_time: labels,
  modelCallCount: series,
  tokensUsage: series,
  totalUsage: z.catch(z.nullish(z.looseObject({ totalModelCallCount: num, totalTokensUsage: num })), null),
  modelDataList: z.catch(z.nullish(z.array(z.looseObject({ modelName: text, tokensUsage: series }))), null),
})
export type ModelUsageData = z.infer<typeof ModelUsageData>

export const ToolUsageData = z.looseObject({
  x_time: labels,
  networkSearchCount: series,
  webReadMcpCount: series,
  zreadMcpCount: series,
  totalUsage: z.catch(
    z.nullish(z.looseObject({ totalNetworkSearchCount: num, totalWebReadMcpCount: num, totalZreadMcpCount: num })),
    null,
  ),
})
export type ToolUsageData = z.infer<typeof ToolUsageData>

export const SubscriptionItem = z.looseObject({
  productName: text,
  status: text,
  nextRenewTime: z.optional(z.unknown()),
  billingCycle: opt((v) =>
    typeof v === "string" || typeof v === "number" ? cleanedOrNull(String(v), MAX_NAME) : null,
  ),
  autoRenew: opt((v) => (typeof v === "boolean" ? v : null)),
})
export const SubscriptionData = opt((v) => (Array.isArray(v) ? v : []))

// customer-package-reset/list (reset cards). Times stay raw here (Beijing wall-clock text, or an epoch): the client
// turns them into instants, so this file needs no clock or zone.
const rawTime = opt((v) => (typeof v === "string" || typeof v === "number" ? v : null))
const list = opt((v) => (Array.isArray(v) ? v : null))

export const ResetCard = z.looseObject({
  recordId: opt((v) => (typeof v === "string" || typeof v === "number" ? String(v) : null)),
  expireTime: rawTime,
  available: opt((v) => (typeof v === "boolean" ? v : null)),
})
export type ResetCard = z.infer<typeof ResetCard>

export const ResetCardsData = z.looseObject({
  fiveHourResets: list,
  weekResets: list,
  lastFiveHourResetTime: rawTime,
  lastWeekResetTime: rawTime,
})
export type ResetCardsData = z.infer<typeof ResetCardsData>
