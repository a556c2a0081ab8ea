// A user's additions to the dated model catalog (the `models.catalog` option, GLM_QUOTA_MODELS) and to its credit
// cost model (`models.credits`). Pure; never throws.
import { bareId, beijingDayStart, type ModelCatalog } from "./model-catalog.ts"
import type { CreditCosts } from "./credit-catalog.ts"
import type { PlanId } from "../types.ts"

const ALL: readonly PlanId[] = ["lite", "pro", "max"]
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)
const TIERS = new Set<string>(ALL)

/**
 * A user's additions to the catalog (the `models.catalog` option, `GLM_QUOTA_MODELS`): entries `{ id, class, rank?,
 * vision?, tiers?, from?, until? }` replace the built-in entry of the same id or add a new one. Returns the merged
 * catalog and a phrase per entry it could not use. Never throws.
 */
export function withModelOverrides(
  base: ModelCatalog,
  entries: unknown,
): { catalog: ModelCatalog; problems: string[] } {
  if (entries === undefined || entries === null) return { catalog: base, problems: [] }
  if (!Array.isArray(entries)) return { catalog: base, problems: ["catalog: expected a list of models"] }
  const problems: string[] = []
  const models = new Map(base.models.map((m) => [m.id, m]))
  entries.forEach((e: unknown, i) => {
    const where = `catalog[${i}]`
    if (!isRecord(e) || typeof e.id !== "string" || e.id.trim() === "")
      return problems.push(`${where}: expected { id, class }`)
    if (e.class !== "glm-5" && e.class !== "glm-4.7") return problems.push(`${where}.class: use "glm-5" or "glm-4.7"`)
    const tiers = e.tiers === undefined ? ALL : e.tiers
    if (!Array.isArray(tiers) || tiers.length === 0 || !tiers.every((t) => typeof t === "string" && TIERS.has(t)))
      return problems.push(`${where}.tiers: use lite, pro, max`)
    const from = e.from === undefined ? "2000-01-01" : e.from
    if (typeof from !== "string" || Number.isNaN(beijingDayStart(from)))
      return problems.push(`${where}.from: expected "YYYY-MM-DD"`)
    if (e.until !== undefined && (typeof e.until !== "string" || Number.isNaN(beijingDayStart(e.until))))
      return problems.push(`${where}.until: expected "YYYY-MM-DD"`)
    if (e.rank !== undefined && (typeof e.rank !== "number" || !Number.isFinite(e.rank)))
      return problems.push(`${where}.rank: expected a number`)
    const id = bareId(e.id)
    models.set(id, {
      id,
      class: e.class,
      vision: e.vision === true,
      rank: typeof e.rank === "number" ? e.rank : (models.get(id)?.rank ?? 0),
      available: [{ tiers: tiers as PlanId[], from, ...(typeof e.until === "string" ? { until: e.until } : {}) }],
      source: "your override",
    })
  })
  return { catalog: { ...base, models: [...models.values()] }, problems }
}

const rate = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0

/**
 * A user's changes to the credit cost model (the `models.credits` option, `GLM_QUOTA_MODELS`): `rates` entries
 * `{ id, input, cached, output, from? }` replace the multipliers of that id (or add them — say GLM-5.4's once
 * published), `mcpCall` the price of an MCP call, `offPeakFactor` the off-peak factor. Never throws.
 */
export function withCreditOverrides(base: CreditCosts, value: unknown): { credits: CreditCosts; problems: string[] } {
  if (value === undefined || value === null) return { credits: base, problems: [] }
  if (!isRecord(value)) return { credits: base, problems: ["credits: expected { rates, mcpCall, offPeakFactor }"] }
  const problems: string[] = []
  for (const k of Object.keys(value))
    if (!["rates", "mcpCall", "offPeakFactor"].includes(k)) problems.push(`credits.${k}: unknown`)
  let rates = base.rates
  if (value.rates !== undefined) {
    if (!Array.isArray(value.rates)) problems.push("credits.rates: expected a list")
    else
      value.rates.forEach((e: unknown, i) => {
        const where = `credits.rates[${i}]`
        if (!isRecord(e) || typeof e.id !== "string" || e.id.trim() === "")
          return problems.push(`${where}: expected { id, input, cached, output }`)
        if (!rate(e.input) || !rate(e.cached) || !rate(e.output))
          return problems.push(`${where}: input, cached and output must be numbers (credits per 10,000 tokens)`)
        const from = e.from === undefined ? "2000-01-01" : e.from
        if (typeof from !== "string" || Number.isNaN(beijingDayStart(from)))
          return problems.push(`${where}.from: expected "YYYY-MM-DD"`)
        const id = bareId(e.id)
        const entry = {
          id,
          from,
          rates: { input: e.input, cached: e.cached, output: e.output },
          source: "your override",
        }
        rates = [entry, ...rates.filter((r) => r.id !== id)]
      })
  }
  const mcpCall = value.mcpCall === undefined ? base.mcpCall : value.mcpCall
  if (!rate(mcpCall)) problems.push("credits.mcpCall: expected a number of credits")
  const offPeak = value.offPeakFactor === undefined ? base.phaseFactor.offPeak : value.offPeakFactor
  if (!rate(offPeak)) problems.push("credits.offPeakFactor: expected a number such as 0.5")
  return {
    credits: {
      ...base,
      rates,
      mcpCall: rate(mcpCall) ? mcpCall : base.mcpCall,
      phaseFactor: { ...base.phaseFactor, offPeak: rate(offPeak) ? offPeak : base.phaseFactor.offPeak },
    },
    problems,
  }
}
