// The monitor client: quota/limit, model-usage, tool-usage, subscription/list, reset cards → one QuotaSnapshot.
import { beijingWallClockToIso } from "../core/time/beijing.ts"
import { planFromLabel } from "../core/plans/plan-catalog.ts"
import type {
  AccountState,
  PlanId,
  QuotaSnapshot,
  QuotaWindow,
  ResetCards,
  Result,
  Subscription,
  UsageHistory,
} from "../core/types.ts"
import { emptyHistory, sumSeries, usageRange } from "../core/report/usage.ts"
import { mergeGenerations, normaliseWindow, sortWindows } from "../core/report/windows.ts"
import { unreadableError } from "./errors.ts"
import { DEFAULT_TIMEOUT_MS, getData, type RequestContext } from "./http.ts"
import {
  LimitEntry,
  ModelUsageData,
  QuotaLimitData,
  ResetCard,
  ResetCardsData,
  SubscriptionData,
  SubscriptionItem,
  ToolUsageData,
  toEpochMsOrNull,
} from "./schemas.ts"

export const PATHS = {
  quota: "/api/monitor/usage/quota/limit",
  modelUsage: "/api/monitor/usage/model-usage",
  toolUsage: "/api/monitor/usage/tool-usage",
  subscription: "/api/biz/subscription/list",
  /** Read only: the cards are never used from here (no `…/use` endpoint is ever called). */
  resetCards: "/api/biz/customer-package-reset/list",
} as const

/** Best-effort extras must not hold the report up: their own, shorter budget. */
const EXTRA_TIMEOUT_MS = 4000

export interface QuotaData {
  plan: PlanId | null
  planLabel: string | null
  windows: QuotaWindow[]
  /** Why there are no windows: `data: {}` (fresh) or `{ level, limits: [] }` (a team member's key); else null. */
  account: AccountState | null
}

/** Reads quota/limit `data` of any era. Each entry is parsed on its own: one odd entry never hides the others. */
export function parseQuotaData(data: unknown): Result<QuotaData> {
  const parsed = QuotaLimitData.safeParse(data)
  if (!parsed.success) return { ok: false, error: unreadableError("the quota data is not an object") }
  const windows: QuotaWindow[] = []
  for (const entry of parsed.data.limits) {
    const e = LimitEntry.safeParse(entry)
    if (e.success) {
      windows.push(normaliseWindow(e.data))
      continue
    }
    windows.push({
      kind: "other",
      meter: "tokens",
      usedPercent: null,
      used: null,
      limit: null,
      remaining: null,
      resetsAt: null,
      type: "UNREADABLE",
      unit: null,
      number: null,
      note: "an entry of the answer could not be read",
    })
  }
  const planLabel = parsed.data.level ?? parsed.data.planName
  const account: AccountState | null = windows.length > 0 ? null : planLabel === null ? "fresh" : "team_member"
  return {
    ok: true,
    value: { plan: planFromLabel(planLabel), planLabel, windows: sortWindows(mergeGenerations(windows)), account },
  }
}

export function parseUsageHistory(model: unknown, tool: unknown): UsageHistory {
  const h = emptyHistory()
  const m = ModelUsageData.safeParse(model)
  if (m.success) {
    h.hours = m.data.x_time
    h.modelCalls = m.data.modelCallCount
    h.tokens = m.data.tokensUsage
    h.perModel = (m.data.modelDataList ?? []).map((d) => ({ model: d.modelName ?? "unknown", tokens: d.tokensUsage }))
    if (h.tokens.length === 0 && h.perModel.length > 0) {
      h.tokens = h.hours.map((_, i) => sumSeries(h.perModel.map((p) => p.tokens[i] ?? null)))
    }
    h.totals.modelCalls = m.data.totalUsage?.totalModelCallCount ?? sumSeries(h.modelCalls)
    h.totals.tokens = m.data.totalUsage?.totalTokensUsage ?? sumSeries(h.tokens)
  }
  const t = ToolUsageData.safeParse(tool)
  if (t.success) {
    if (h.hours.length === 0) h.hours = t.data.x_time
    h.tools = { search: t.data.networkSearchCount, webRead: t.data.webReadMcpCount, zread: t.data.zreadMcpCount }
    h.totals.search = t.data.totalUsage?.totalNetworkSearchCount ?? sumSeries(h.tools.search)
    h.totals.webRead = t.data.totalUsage?.totalWebReadMcpCount ?? sumSeries(h.tools.webRead)
    h.totals.zread = t.data.totalUsage?.totalZreadMcpCount ?? sumSeries(h.tools.zread)
  }
  return h
}

export function parseSubscription(data: unknown): Subscription | null {
  const list = SubscriptionData.safeParse(data)
  if (!list.success || list.data.length === 0) return null
  const valid = list.data.map((x) => SubscriptionItem.safeParse(x)).flatMap((r) => (r.success ? [r.data] : []))
  const first = valid.find((s) => s.status === "VALID") ?? valid[0]
  if (first === undefined) return null
  const renew = toEpochMsOrNull(first.nextRenewTime)
  return {
    productName: first.productName,
    status: first.status,
    nextRenewTime: renew === null ? null : new Date(renew).toISOString(),
    billingCycle: first.billingCycle,
    autoRenew: first.autoRenew,
  }
}

/** A zone designator at the end of a time text: then the text names its own instant. */
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i

/**
 * A time of the reset-card list in epoch ms: Beijing wall-clock text ("2026-12-05 18:00:00"), an epoch (ms or s,
 * also as a numeric string) or ISO text with a zone; else null. Zone-less text other than the wall-clock shape is
 * refused: Date.parse would read it in the machine's own zone.
 */
function resetTimeMs(value: string | number | null): number | null {
  if (value === null) return null
  if (typeof value === "number") return toEpochMsOrNull(value)
  const text = value.trim()
  const bj = beijingWallClockToIso(text)
  if (bj !== null) return Date.parse(bj)
  if (/^\d+(?:\.\d+)?$/.test(text) || HAS_ZONE.test(text)) return toEpochMsOrNull(text)
  return null
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** Cards with `available: true` that have not expired at `nowMs`; a card without a readable expiry is counted, undated. */
function countCards(list: unknown[] | null, nowMs: number): { available: number; nextExpiresAt: string | null } {
  let available = 0
  let next: number | null = null
  for (const raw of list ?? []) {
    const card = ResetCard.safeParse(raw)
    if (!card.success || card.data.available !== true) continue
    const expires = resetTimeMs(card.data.expireTime)
    if (expires !== null && expires <= nowMs) continue
    available++
    if (expires !== null && (next === null || expires < next)) next = expires
  }
  return { available, nextExpiresAt: isoOrNull(next) }
}

/**
 * Reads customer-package-reset/list `data`. null when it lists no cards at all (neither list is an array): a host or
 * key without cards is "none reported", never an error. One list unreadable leaves the other counted (that one 0).
 */
export function parseResetCards(data: unknown, now: Date): ResetCards | null {
  const parsed = ResetCardsData.safeParse(data)
  if (!parsed.success) return null
  const d = parsed.data
  if (d.fiveHourResets === null && d.weekResets === null) return null
  const nowMs = now.getTime()
  return {
    fiveHour: countCards(d.fiveHourResets, nowMs),
    weekly: countCards(d.weekResets, nowMs),
    lastFiveHourResetAt: isoOrNull(resetTimeMs(d.lastFiveHourResetTime)),
    lastWeeklyResetAt: isoOrNull(resetTimeMs(d.lastWeekResetTime)),
  }
}

/** The account's reset cards, or null on any failure (404, an error envelope, a timeout, garbage): best effort. */
export async function fetchResetCards(ctx: RequestContext, now: Date): Promise<ResetCards | null> {
  try {
    const res = await getData(
      { ...ctx, timeoutMs: Math.min(ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS, EXTRA_TIMEOUT_MS) },
      PATHS.resetCards,
      { targetType: "PERSONAL" },
    )
    return res.ok ? parseResetCards(res.value, now) : null
  } catch {
    // getData never throws; the guard keeps a future change from breaking the quota reading through this extra.
    return null
  }
}

export async function fetchQuota(ctx: RequestContext): Promise<Result<QuotaData>> {
  const res = await getData(ctx, PATHS.quota)
  return res.ok ? parseQuotaData(res.value) : res
}

export async function fetchUsageHistory(ctx: RequestContext, now: Date): Promise<Result<UsageHistory>> {
  const range = usageRange(now)
  const [model, tool] = await Promise.all([getData(ctx, PATHS.modelUsage, range), getData(ctx, PATHS.toolUsage, range)])
  if (!model.ok && !tool.ok) return model
  return { ok: true, value: parseUsageHistory(model.ok ? model.value : null, tool.ok ? tool.value : null) }
}

export async function fetchSubscription(ctx: RequestContext): Promise<Subscription | null> {
  const res = await getData(
    { ...ctx, timeoutMs: Math.min(ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS, EXTRA_TIMEOUT_MS) },
    PATHS.subscription,
  )
  return res.ok ? parseSubscription(res.value) : null
}

export interface SnapshotOptions {
  now: () => Date
  /** Also read the last 24 h of model and tool usage. */
  history?: boolean
}

/**
 * Everything one report needs, requests in parallel. The subscription list is asked only when the quota answer
 * names no plan (it is best effort: its failure never breaks the report); usage history only when asked for.
 * The reset cards are asked beside the quota, on a shorter budget; their failure is a null, never an error.
 */
export async function fetchSnapshot(ctx: RequestContext, opts: SnapshotOptions): Promise<Result<QuotaSnapshot>> {
  const historyP = opts.history ? fetchUsageHistory(ctx, opts.now()) : Promise.resolve(null)
  // Cancelled when the quota fails: nothing would show the cards, and a request left running keeps a CLI alive.
  const cardsAbort = new AbortController()
  const cardsSignal = ctx.signal ? AbortSignal.any([ctx.signal, cardsAbort.signal]) : cardsAbort.signal
  const cardsP = fetchResetCards({ ...ctx, signal: cardsSignal }, opts.now())
  const quota = await fetchQuota(ctx)
  if (!quota.ok) {
    cardsAbort.abort()
    await Promise.all([historyP, cardsP])
    return quota
  }
  let subscription: Subscription | null = null
  let plan = quota.value.plan
  let planLabel = quota.value.planLabel
  if (plan === null && ctx.region === "international") {
    subscription = await fetchSubscription(ctx)
    plan = planFromLabel(subscription?.productName)
    planLabel = planLabel ?? subscription?.productName ?? null
  }
  const [history, resetCards] = await Promise.all([historyP, cardsP])
  return {
    ok: true,
    value: {
      plan,
      planLabel,
      region: ctx.region,
      fetchedAt: opts.now().toISOString(),
      windows: quota.value.windows,
      subscription,
      usage: history === null ? null : history.ok ? history.value : null,
      resetCards,
      ...(quota.value.account === null ? {} : { account: quota.value.account }),
    },
  }
}
