// What a turn costs in credits: the vendor's formula over the tokens of every model call of the turn, plus its MCP
// calls, at the phase each call ran in. Pure: the catalog (core/plans/credit-catalog.ts) and the phase come in.
//
//   credits = Σ calls (input × Mi + cached × Mc + output × Mo) / 10,000 × phase factor + MCP calls × 1.2 × phase factor
//
// `input` is the fresh input (OpenCode records cache reads apart, as `cache.read`); a cache write, which Z.ai does
// not report, is counted as fresh input. Reasoning tokens are output.
import { baseId, beijingDayStart, classOf, type ModelCatalog } from "../plans/model-catalog.ts"
import type { CreditCosts, CreditRates } from "../plans/credit-catalog.ts"
import type { Phase } from "../types.ts"

/** One model call of a turn, with the tokens OpenCode recorded for it. */
export interface TurnCall {
  model: string
  input: number
  cacheRead: number
  output: number
  cacheWrite?: number
  /** The phase the call ran in; the turn's phase when absent. */
  phase?: Phase
}

/** Multipliers learned from clean turns for a model without published ones (core/learn.ts). */
export interface LearnedRates {
  model: string
  rates: CreditRates
  /** How many turns they were learned from. */
  turns: number
}

export interface RatesFound {
  rates: CreditRates | null
  how: "published" | "learned" | "unknown"
  /** Learned: from how many turns. */
  turns?: number
}

/** The rates of a model at an instant: published (for the date), else learned, else unknown. Aliases read as base. */
export function ratesFor(
  costs: CreditCosts,
  model: string,
  at: number,
  learned: readonly LearnedRates[] = [],
): RatesFound {
  const id = baseId(model)
  const entry = costs.rates.find(
    (r) =>
      r.id === id &&
      at >= beijingDayStart(r.from) &&
      (r.until === undefined || at < beijingDayStart(r.until)) &&
      r.rates !== null,
  )
  if (entry?.rates) return { rates: entry.rates, how: "published" }
  const l = learned.find((x) => baseId(x.model) === id)
  if (l !== undefined) return { rates: l.rates, how: "learned", turns: l.turns }
  return { rates: null, how: "unknown" }
}

/** The reference model whose proportions an unknown model is learned in (GLM-5.3 for the heavy class). */
export function referenceFor(costs: CreditCosts, model: string, catalog: ModelCatalog): string {
  return classOf(model, catalog) === "glm-4.7" ? costs.learnLike.light : costs.learnLike.heavy
}

/** Credits of one call at 1× (before the phase factor). */
export const callBase = (c: Omit<TurnCall, "model" | "phase">, r: CreditRates, divisor: number): number =>
  ((c.input + (c.cacheWrite ?? 0)) * r.input + c.cacheRead * r.cached + c.output * r.output) / divisor

export interface TurnCost {
  /** Credits at the phase each call ran in; null when a model's rates are neither published nor learned. */
  credits: number | null
  /** The same turn at 1× (the quota peak) and at the off-peak factor. */
  atPeak: number | null
  atOffPeak: number | null
  /** What the MCP calls cost (in `credits`). */
  mcpCredits: number
  /** Models without published or learned rates. */
  unknown: string[]
  /** Learned rates went into the figure (an estimate). */
  learned: boolean
  tokens: { input: number; cacheRead: number; output: number }
}

const round2 = (n: number): number => Math.round(n * 100) / 100

/**
 * The credits of a turn: each call by the formula at its own phase (the turn's when it has none), plus MCP calls at
 * the turn's phase. `at` picks the rates in force (default: the formula's date onward, i.e. today's rates).
 */
export function turnCost(
  calls: readonly TurnCall[],
  catalog: ModelCatalog,
  phase: Phase,
  opts: { mcpCalls?: number; at?: number; learned?: readonly LearnedRates[] } = {},
): TurnCost {
  const costs = catalog.credits
  const at = opts.at ?? Number.MAX_SAFE_INTEGER
  const unknown = new Set<string>()
  let learned = false
  let base = 0
  let phased = 0
  const tokens = { input: 0, cacheRead: 0, output: 0 }
  for (const c of calls) {
    tokens.input += c.input + (c.cacheWrite ?? 0)
    tokens.cacheRead += c.cacheRead
    tokens.output += c.output
    const r = ratesFor(costs, c.model, at, opts.learned)
    if (r.rates === null) {
      unknown.add(baseId(c.model))
      continue
    }
    if (r.how === "learned") learned = true
    const b = callBase(c, r.rates, costs.divisor)
    base += b
    phased += b * costs.phaseFactor[c.phase ?? phase]
  }
  const mcp = Math.max(0, opts.mcpCalls ?? 0) * costs.mcpCall
  const known = unknown.size === 0
  return {
    credits: known ? round2(phased + mcp * costs.phaseFactor[phase]) : null,
    atPeak: known ? round2((base + mcp) * costs.phaseFactor.peak) : null,
    atOffPeak: known ? round2((base + mcp) * costs.phaseFactor.offPeak) : null,
    mcpCredits: round2(mcp * costs.phaseFactor[phase]),
    unknown: [...unknown],
    learned,
    tokens,
  }
}
