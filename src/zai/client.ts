// The monitor client: quota/limit, model-usage, tool-usage, subscription/list → one QuotaSnapshot.
import { planFromLabel } from "../core/plans.ts"
import type { PlanId, QuotaSnapshot, QuotaWindow, Result, Subscription, UsageHistory } from "../core/types.ts"
import { emptyHistory, sumSeries, usageRange } from "../core/usage.ts"
import { normaliseWindow, sortWindows } from "../core/windows.ts"
import { unreadableError } from "./errors.ts"
import { getData, type RequestContext } from "./http.ts"
import { LimitEntry, ModelUsageData, QuotaLimitData, SubscriptionData, SubscriptionItem, ToolUsageData, toEpochMsOrNull } from "./schemas.ts"

export const PATHS = {
  quota: "/api/monitor/usage/quota/limit",
  modelUsage: "/api/monitor/usage/model-usage",
  toolUsage: "/api/monitor/usage/tool-usage",
  subscription: "/api/biz/subscription/list",
} as const

export interface QuotaData {
  plan: PlanId | null
  planLabel: string | null
  windows: QuotaWindow[]
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
      kind: "other", meter: "tokens", usedPercent: null, used: null, limit: null, remaining: null, resetsAt: null,
      type: "UNREADABLE", unit: null, number: null, note: "an entry of the answer could not be read",
    })
  }
  const planLabel = parsed.data.level ?? parsed.data.planName
  return { ok: true, value: { plan: planFromLabel(planLabel), planLabel, windows: sortWindows(windows) } }
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
  const res = await getData({ ...ctx, timeoutMs: Math.min(ctx.timeoutMs ?? 8000, 4000) }, PATHS.subscription)
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
 */
export async function fetchSnapshot(ctx: RequestContext, opts: SnapshotOptions): Promise<Result<QuotaSnapshot>> {
  const historyP = opts.history ? fetchUsageHistory(ctx, opts.now()) : Promise.resolve(null)
  const quota = await fetchQuota(ctx)
  if (!quota.ok) {
    await historyP
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
  const history = await historyP
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
    },
  }
}
