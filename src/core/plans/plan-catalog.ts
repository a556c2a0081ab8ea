// The GLM Coding Plan catalog as data: prices, allowances and models per tier. Pure, no I/O.

import type { PlanId } from "../types.ts"

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
  credits: PlanCredits
}

export type PlanCatalog = Record<PlanId, PlanInfo>

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
 * Seed catalog (prices, allowances; dated 2026). Prices are list-price seeds (USD on the international site, CNY on the China site;
 * quarterly = 3 × monthly less 10 %, yearly = 12 × monthly less 30 %) and drift with promotions:
 * which models each tier has, and when, is the dated model catalog in model-catalog.ts.
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
    credits: { fiveHour: 2000, weekly: 10000 },
  },
  pro: {
    id: "pro",
    name: "Pro",
    priceUsd: pricesFromMonthly(30),
    priceCny: pricesFromMonthly(149),
    promptsPer5h: 600,
    mcpCallsPerMonth: 1000,
    // Published with the credit formula (Aug–Oct 2026): the credit catalog's (credit-catalog.ts) allowance.
    credits: { fiveHour: 12000, weekly: 60000 },
  },
  max: {
    id: "max",
    name: "Max",
    priceUsd: pricesFromMonthly(80),
    priceCny: pricesFromMonthly(469),
    promptsPer5h: 2400,
    mcpCallsPerMonth: 4000,
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
