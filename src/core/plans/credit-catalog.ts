// What a model call costs in credits on the credit plans, as dated data with its sources: the formula's multipliers
// per model, the price of an MCP call, the phase factors, and the allowances per plan and team seat. It changes with
// the vendor's announcements: edit the data, not the code. Overridable (`models.credits`, model-overrides.ts).
//
// Sources: the Z.ai and BigModel Coding Plan docs on credit plans (Aug–Oct 2026) as quoted by several projects, and
// the project's field notes (zai-monitor-api.md, "December 2026: new shapes and the credit formula").
//   credits = (input × Mi + cached_input × Mc + output × Mo) / 10,000, tokens per request;
//   an MCP call (search, reader, zread) 1.2 credits; off-peak (outside Mon–Fri 14:00–18:00 Beijing) 0.5×.
import type { PlanId, Phase } from "../types.ts"

/** Credits per 10,000 tokens of each kind. */
export interface CreditRates {
  input: number
  cached: number
  output: number
}

export interface CreditRateEntry {
  /** A bare model id as the catalog spells it. */
  id: string
  /** First Beijing day the rates hold. */
  from: string
  until?: string
  /** null: not published — shown as unknown, and learned from clean turns (core/learn.ts). */
  rates: CreditRates | null
  /** Lower confidence: one source only. */
  confidence?: "low"
  source: string
}

export interface CreditAllowance {
  fiveHour: number
  weekly: number
}

export type Seat = "standard" | "premium"

export interface CreditCosts {
  /** The day the formula was published; before it credit figures are not computed. */
  from: string
  /** Tokens per unit of the multipliers. */
  divisor: number
  rates: readonly CreditRateEntry[]
  /** When a model's rates are unknown, they are learned in the proportions of this model of its class. */
  learnLike: { heavy: string; light: string }
  /** Credits per MCP call (search, web reader, zread). */
  mcpCall: number
  /** The factor of each phase: 1× at the quota peak, 0.5× off-peak and at weekends. */
  phaseFactor: Record<Phase, number>
  plans: Record<PlanId, CreditAllowance>
  seats: Record<Seat, CreditAllowance>
  source: string
}

const DOCS = "docs.z.ai / docs.bigmodel.cn credit plans, Aug–Oct 2026 (as quoted by several projects)"

export const CREDIT_COSTS: CreditCosts = {
  from: "2026-07-30",
  divisor: 10_000,
  rates: [
    { id: "glm-5.3", from: "2026-08-14", rates: { input: 6.9, cached: 1.7, output: 24 }, source: DOCS },
    { id: "glm-5.3-flash", from: "2026-08-27", rates: { input: 2.3, cached: 0.56, output: 8 }, source: DOCS },
    { id: "glm-5-turbo", from: "2026-07-30", rates: { input: 5.7, cached: 1.5, output: 21 }, source: DOCS },
    { id: "glm-4.7", from: "2026-07-30", rates: { input: 4.6, cached: 1.2, output: 16 }, source: DOCS },
    {
      id: "glm-4.6v",
      from: "2026-07-30",
      rates: { input: 1.2, cached: 0.3, output: 2.7 },
      confidence: "low",
      source: `${DOCS}; one source only`,
    },
    {
      id: "glm-5.4",
      from: "2026-11-24",
      rates: null,
      source: "GLM-5.4 release, 24 Nov 2026: not published as of 7 Dec 2026",
    },
  ],
  learnLike: { heavy: "glm-5.3", light: "glm-5.3-flash" },
  mcpCall: 1.2,
  phaseFactor: { peak: 1, offPeak: 0.5 },
  plans: {
    lite: { fiveHour: 2_000, weekly: 10_000 },
    pro: { fiveHour: 12_000, weekly: 60_000 },
    max: { fiveHour: 28_000, weekly: 140_000 },
  },
  seats: {
    standard: { fiveHour: 15_000, weekly: 66_000 },
    premium: { fiveHour: 35_000, weekly: 155_000 },
  },
  source: DOCS,
}
