// The GLM Coding Plan catalog as data: prices, allowances and models per tier. Pure, no I/O.

import type { ModelId, PlanId } from "./types.ts"

export interface PlanPrices {
  monthly: number
  quarterly: number
  yearly: number
}

export interface PlanCredits {
  /** Credits per 5-hour window on credit plans; null when unknown or not a credit plan. */
  fiveHour: number | null
  /** Credits per week on credit plans; null when unknown or not a credit plan. */
  weekly: number | null
}

export interface PlanInfo {
  id: PlanId
  /** Display name, e.g. "Lite". */
  name: string
  priceUsd: PlanPrices
  priceCny: PlanPrices
  /** Approximate prompts per 5-hour window. */
  promptsPer5h: number
  /** MCP (search, web reader, zread) calls per month. */
  mcpCallsPerMonth: number
  /** Models the plan includes. */
  models: ModelId[]
  credits: PlanCredits
}

export type PlanCatalog = Record<PlanId, PlanInfo>

export const PLAN_IDS: readonly PlanId[] = ["lite", "pro", "max"]
export const MODEL_IDS: readonly ModelId[] = ["glm-4.7", "glm-5"]

/** Quarterly billing: 3 months less 10 %. */
const QUARTERLY_DISCOUNT = 0.1
/** Yearly billing: 12 months less 30 %. */
const YEARLY_DISCOUNT = 0.3

const roundCents = (value: number): number => Math.round(value * 100) / 100

/** Prices for the three billing cycles from a monthly list price, rounded to cents. */
const pricesFromMonthly = (monthly: number): PlanPrices => ({
  monthly,
  quarterly: roundCents(monthly * 3 * (1 - QUARTERLY_DISCOUNT)),
  yearly: roundCents(monthly * 12 * (1 - YEARLY_DISCOUNT)),
})

/**
 * Seed catalog. Prices are list-price seeds (USD on the international site, CNY on the China site;
 * quarterly = 3 × monthly less 10 %, yearly = 12 × monthly less 30 %) and drift with promotions:
 * every value here is overridable with `withCatalogOverrides`.
 * Credits apply to the credit plans sold from 30 Jul 2026.
 */
export const PLAN_CATALOG: PlanCatalog = {
  lite: {
    id: "lite",
    name: "Lite",
    priceUsd: pricesFromMonthly(10),
    priceCny: pricesFromMonthly(49),
    promptsPer5h: 120,
    mcpCallsPerMonth: 100,
    models: ["glm-4.7"],
    credits: { fiveHour: 2000, weekly: 10000 },
  },
  pro: {
    id: "pro",
    name: "Pro",
    priceUsd: pricesFromMonthly(30),
    priceCny: pricesFromMonthly(149),
    promptsPer5h: 600,
    mcpCallsPerMonth: 1000,
    models: ["glm-4.7", "glm-5"],
    // Estimate: Pro credit allowances were not published with Lite and Max; interpolated seed.
    credits: { fiveHour: 8000, weekly: 40000 },
  },
  max: {
    id: "max",
    name: "Max",
    priceUsd: pricesFromMonthly(80),
    priceCny: pricesFromMonthly(469),
    promptsPer5h: 2400,
    mcpCallsPerMonth: 4000,
    models: ["glm-4.7", "glm-5"],
    credits: { fiveHour: 28000, weekly: 140000 },
  },
}

const PLAN_WORD = /(?:^|[^a-z])(lite|pro|max)(?:$|[^a-z])/

/**
 * The plan id a label names: "pro", "Pro", "GLM Coding Max", "GLM Coding Lite (Quarterly)".
 * Matches "lite", "pro" or "max" as a whole word, case-insensitively (first one wins);
 * anything else, including empty input, is null.
 */
export function planFromLabel(label: string | null | undefined): PlanId | null {
  if (typeof label !== "string") return null
  const match = PLAN_WORD.exec(label.toLowerCase())
  if (!match) return null
  const word = match[1]
  if (word === "lite" || word === "pro" || word === "max") return word
  return null
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= 0

const isModelId = (value: unknown): value is ModelId =>
  typeof value === "string" && (MODEL_IDS as readonly string[]).includes(value)

function mergePrices(base: PlanPrices, override: unknown): PlanPrices {
  if (!isRecord(override)) return { ...base }
  return {
    monthly: isCount(override.monthly) ? override.monthly : base.monthly,
    quarterly: isCount(override.quarterly) ? override.quarterly : base.quarterly,
    yearly: isCount(override.yearly) ? override.yearly : base.yearly,
  }
}

const mergeCredit = (base: number | null, override: unknown): number | null => {
  if (override === null) return null
  if (isCount(override)) return override
  return base
}

function mergeCredits(base: PlanCredits, override: unknown): PlanCredits {
  if (!isRecord(override)) return { ...base }
  return {
    fiveHour: mergeCredit(base.fiveHour, override.fiveHour),
    weekly: mergeCredit(base.weekly, override.weekly),
  }
}

/** A models override is taken only when it is an array of known model ids (duplicates dropped). */
function mergeModels(base: ModelId[], override: unknown): ModelId[] {
  if (!Array.isArray(override)) return [...base]
  const items: unknown[] = override
  if (!items.every(isModelId)) return [...base]
  return [...new Set(items.filter(isModelId))]
}

const copyPlan = (plan: PlanInfo): PlanInfo => ({
  ...plan,
  priceUsd: { ...plan.priceUsd },
  priceCny: { ...plan.priceCny },
  models: [...plan.models],
  credits: { ...plan.credits },
})

function mergePlan(base: PlanInfo, override: unknown): PlanInfo {
  if (!isRecord(override)) return copyPlan(base)
  try {
    return {
      id: base.id,
      name: typeof override.name === "string" && override.name.trim() !== "" ? override.name : base.name,
      priceUsd: mergePrices(base.priceUsd, override.priceUsd),
      priceCny: mergePrices(base.priceCny, override.priceCny),
      promptsPer5h: isCount(override.promptsPer5h) ? override.promptsPer5h : base.promptsPer5h,
      mcpCallsPerMonth: isCount(override.mcpCallsPerMonth) ? override.mcpCallsPerMonth : base.mcpCallsPerMonth,
      models: mergeModels(base.models, override.models),
      credits: mergeCredits(base.credits, override.credits),
    }
  } catch {
    // Exotic inputs (throwing getters, proxies): keep the base plan.
    return copyPlan(base)
  }
}

/**
 * Deep-merges a partial override (`{ pro: { priceUsd: { monthly: 25 } } }`) into a catalog.
 * Unknown plan ids, unknown fields and fields of the wrong type (or negative / non-finite numbers)
 * are ignored; `credits.fiveHour` / `credits.weekly` accept null. `id` cannot be overridden.
 * Returns a new catalog (the base is not mutated); never throws.
 */
export function withCatalogOverrides(base: PlanCatalog, overrides: unknown): PlanCatalog {
  let source: Record<string, unknown> = {}
  try {
    if (isRecord(overrides)) source = overrides
  } catch {
    source = {}
  }
  const pick = (id: PlanId): unknown => {
    try {
      return source[id]
    } catch {
      return undefined
    }
  }
  return {
    lite: mergePlan(base.lite, pick("lite")),
    pro: mergePlan(base.pro, pick("pro")),
    max: mergePlan(base.max, pick("max")),
  }
}

/** Whether the plan includes the model, per the catalog. */
export function planHasModel(catalog: PlanCatalog, plan: PlanId, model: ModelId): boolean {
  const info: PlanInfo | undefined = catalog[plan]
  if (!info) return false
  return info.models.includes(model)
}
