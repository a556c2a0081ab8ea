// Multipliers for a model the vendor has not published (GLM-5.4 as of December 2026), learned from this machine's
// clean turns: turns of that model alone whose credit counter moved with no other session active. Pure.
//
// One turn gives one equation for three unknowns, so the rates are learned in the proportions of a reference model of
// the same class (GLM-5.3 for the heavy class; credit-catalog.ts `learnLike`): one scale factor, fitted over every clean
// turn (sum of the counter's changes over the sum of what the reference model would have cost). An estimate, always
// shown as learned, with the number of turns behind it.
import type { ModelCatalog } from "../plans/model-catalog.ts"
import type { TurnEvent } from "./records.ts"
import { callBase, ratesFor, referenceFor, type LearnedRates } from "./turn-cost.ts"

/** A learned rate never comes from turns this small (the counters are whole credits). */
const MIN_DELTA = 1

const r2 = (n: number): number => Math.round(n * 100) / 100

/** Learned rates for every model without published ones that has clean turns; one entry per model. */
export function learnRates(turns: readonly TurnEvent[], catalog: ModelCatalog): LearnedRates[] {
  const costs = catalog.credits
  const sums = new Map<string, { target: number; reference: number; turns: number }>()
  for (const t of turns) {
    if (t.delta === null || t.shared || !t.single || t.calls === 0 || t.delta < MIN_DELTA) continue
    if (ratesFor(costs, t.model, t.t).how !== "unknown") continue
    const ref = ratesFor(costs, referenceFor(costs, t.model, catalog), t.t).rates
    if (ref === null) continue
    const factor = costs.phaseFactor[t.phase]
    const target = t.delta / factor - t.mcp * costs.mcpCall
    const reference = callBase(t, ref, costs.divisor)
    if (!(target > 0) || !(reference > 0)) continue
    const s = sums.get(t.model) ?? { target: 0, reference: 0, turns: 0 }
    s.target += target
    s.reference += reference
    s.turns++
    sums.set(t.model, s)
  }
  const out: LearnedRates[] = []
  for (const [model, s] of sums) {
    const ref = ratesFor(costs, referenceFor(costs, model, catalog), Number.MAX_SAFE_INTEGER).rates!
    const k = s.target / s.reference
    out.push({
      model,
      rates: { input: r2(ref.input * k), cached: r2(ref.cached * k), output: r2(ref.output * k) },
      turns: s.turns,
    })
  }
  return out
}
