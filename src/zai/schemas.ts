// zod schemas for every schema era of the monitor API (see zai-monitor-api.md). Tolerant: every field is
// optional, unknown fields pass through, a field of the wrong type becomes null instead of failing the answer.
import * as z from "zod/mini"

// No compiled fast path: zod would build each object parser with `new Function` on its first parse, which costs a
// start-up tens of milliseconds (measured: ~25 ms in the CLI's profile) to save microseconds on answers of a few kB.
z.config({ jitless: true })
import { cleanText, MAX_NAME, MAX_SERVER_TEXT } from "../core/sanitize.ts"
import type { RawLimit } from "../core/windows.ts"

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

/**
 * Made at its first use, then kept. Every schema below is made when it first parses, not when this module loads: the
 * CLI loads this module on its way to its requests, and making all of them costs a fresh process about 1 ms that it
 * spends while the answers are on their way instead (src/cli/report.ts). The parsing is the same.
 */
const once = <T>(make: () => T): (() => T) => {
  let made: { value: T } | null = null
  return () => (made ??= { value: make() }).value
}

/** A schema that is made at its first parse (or by `prepare`). */
export interface Parser<S extends z.ZodMiniType> {
  safeParse(value: unknown): z.core.util.SafeParseResult<z.output<S>>
  prepare(): void
}
const lazy = <S extends z.ZodMiniType>(make: () => S): Parser<S> => {
  const schema = once(make)
  return { safeParse: (value) => schema().safeParse(value), prepare: () => void schema() }
}

/** An untrusted string, cleaned (sanitize.ts) and cut to `max`; null when nothing visible is left. */
const cleanedOrNull = (v: unknown, max: number): string | null => {
  if (typeof v !== "string") return null
  const t = cleanText(v, max)
  return t === "" ? null : t
}

/** The field schemas the answers' schemas are made of. */
const fields = once(() => {
  /** Any value, or none: one schema for every field (a zod schema is immutable, and each costs the CLI's start). */
  const anything = z.optional(z.unknown())
  /** An optional field of any type, turned into what the parser keeps (never a failure). */
  const opt = <T>(f: (v: unknown) => T) => z.pipe(anything, z.transform(f))
  return {
    anything,
    opt,
    num: opt(toFiniteOrNull),
    epochMs: opt(toEpochMsOrNull),
    /** Names from the server (plan, tool, model, product, status): cleaned at the parse boundary, never printed raw. */
    text: opt((v) => cleanedOrNull(v, MAX_NAME)),
    /** The envelope's message: cleaned here, cut to its shown length only after the key is redacted (errors.ts). */
    message: opt((v) => cleanedOrNull(v, MAX_SERVER_TEXT)),
    /** Hour labels of the usage series: cleaned too (they are server text), kept as "" when empty to keep positions. */
    labels: opt((v) => (Array.isArray(v) ? v.map((x) => (typeof x === "string" ? cleanText(x, MAX_NAME) : "")) : [])),
    series: opt((v) => (Array.isArray(v) ? v.map(toFiniteOrNull) : [])),
    // Times of the reset-card list stay raw here (Beijing wall-clock text, or an epoch): the client turns them into
    // instants, so this file needs no clock or zone.
    rawTime: opt((v) => (typeof v === "string" || typeof v === "number" ? v : null)),
    list: opt((v) => (Array.isArray(v) ? v : null)),
    flag: opt((v) => (typeof v === "boolean" ? v : null)),
  }
})

const envelope = () => {
  const f = fields()
  return z.looseObject({ code: f.num, msg: f.message, message: f.message, success: f.flag, data: f.anything })
}
/** The envelope every endpoint wraps its answer in. */
export const Envelope = lazy(envelope)
export type Envelope = z.infer<ReturnType<typeof envelope>>

const UsageDetail = lazy(() => {
  const f = fields()
  return z.pipe(
    z.looseObject({ modelCode: f.text, usage: f.num }),
    z.transform((d) => ({ modelCode: d.modelCode ?? "", usage: d.usage })),
  )
})

export const LimitEntry = lazy(() => {
  const f = fields()
  return z.pipe(
    z.looseObject({
      type: f.text,
      unit: f.num,
      number: f.num,
      percentage: f.num,
      usage: f.num,
      currentValue: f.num,
      remaining: f.num,
      nextResetTime: f.epochMs,
      usageDetails: f.opt((v) => (Array.isArray(v) ? v : null)),
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
})

const quotaLimitData = () => {
  const f = fields()
  return z.looseObject({ level: f.text, planName: f.text, limits: f.opt((v) => (Array.isArray(v) ? v : [])) })
}
export const QuotaLimitData = lazy(quotaLimitData)
export type QuotaLimitData = z.infer<ReturnType<typeof quotaLimitData>>

const modelUsageData = () => {
  const f = fields()
  return z.looseObject({
    x_time: f.labels,
    modelCallCount: f.series,
    tokensUsage: f.series,
    totalUsage: z.catch(z.nullish(z.looseObject({ totalModelCallCount: f.num, totalTokensUsage: f.num })), null),
    modelDataList: z.catch(z.nullish(z.array(z.looseObject({ modelName: f.text, tokensUsage: f.series }))), null),
  })
}
export const ModelUsageData = lazy(modelUsageData)
export type ModelUsageData = z.infer<ReturnType<typeof modelUsageData>>

const toolUsageData = () => {
  const f = fields()
  return z.looseObject({
    x_time: f.labels,
    networkSearchCount: f.series,
    webReadMcpCount: f.series,
    zreadMcpCount: f.series,
    totalUsage: z.catch(
      z.nullish(
        z.looseObject({ totalNetworkSearchCount: f.num, totalWebReadMcpCount: f.num, totalZreadMcpCount: f.num }),
      ),
      null,
    ),
  })
}
export const ToolUsageData = lazy(toolUsageData)
export type ToolUsageData = z.infer<ReturnType<typeof toolUsageData>>

export const SubscriptionItem = lazy(() => {
  const f = fields()
  return z.looseObject({
    productName: f.text,
    status: f.text,
    nextRenewTime: f.anything,
    billingCycle: f.opt((v) =>
      typeof v === "string" || typeof v === "number" ? cleanedOrNull(String(v), MAX_NAME) : null,
    ),
    autoRenew: f.flag,
  })
})
export const SubscriptionData = lazy(() => fields().opt((v) => (Array.isArray(v) ? v : [])))

// customer-package-reset/list (reset cards).
const resetCard = () => {
  const f = fields()
  return z.looseObject({
    recordId: f.opt((v) => (typeof v === "string" || typeof v === "number" ? String(v) : null)),
    expireTime: f.rawTime,
    available: f.flag,
  })
}
export const ResetCard = lazy(resetCard)
export type ResetCard = z.infer<ReturnType<typeof resetCard>>

const resetCardsData = () => {
  const f = fields()
  return z.looseObject({
    fiveHourResets: f.list,
    weekResets: f.list,
    lastFiveHourResetTime: f.rawTime,
    lastWeekResetTime: f.rawTime,
  })
}
export const ResetCardsData = lazy(resetCardsData)
export type ResetCardsData = z.infer<ReturnType<typeof resetCardsData>>

/** Makes the schemas every reading parses, now: for a caller waiting on its answers (src/cli/report.ts). */
export function prepareSchemas(): void {
  for (const p of [Envelope, QuotaLimitData, LimitEntry, UsageDetail, ResetCardsData, ResetCard]) p.prepare()
}
