// Model selection by tier: which model to use on this plan, right now, and why — always an id the user can pick. Pure.
import {
  bareId,
  catalogModel,
  classOf,
  isAlias,
  isAvailable,
  MODEL_CATALOG,
  multiplierNow,
  servedBy,
  tierHasClass,
  type ModelCatalog,
} from "./model-catalog.ts"
import { formatClock, type PeakState } from "../time/peak.ts"
import type { PlanId, Policy, QuotaWindow, QuotaWindowKind, Region, ModelClass, Pricing } from "../types.ts"
import {
  className,
  costPhrase,
  peakCostsMore,
  PEAK_TZ,
  planTitle,
  times,
  windowName,
  zoneLabel,
} from "../text/vocabulary.ts"
import { withCreditOverrides, withModelOverrides } from "./model-overrides.ts"

/**
 * Policy thresholds as data.
 * - `windowPercent`: a five-hour or weekly window at or above this percent used → the light class.
 * - `avoidPeak`: "quota" avoids the heavy class during a quota peak when it costs more then, "any" during any peak,
 *   "never" keeps it at peak (the reason says what it costs).
 */
export const POLICY_RULES: Record<Policy, { windowPercent: number; avoidPeak: "quota" | "any" | "never" }> = {
  quality: { windowPercent: 95, avoidPeak: "never" },
  balanced: { windowPercent: 80, avoidPeak: "quota" },
  economy: { windowPercent: 50, avoidPeak: "any" },
}

const DEFAULT_POLICY: Policy = "balanced"

/** Ids the user would rather have in each class, when they are listed (option `models`, `--heavy` / `--light`). */
export interface Recommendation {
  /** A concrete id the user can pick: from the provider's (or the coding endpoint's) list, else the dated catalog. */
  model: string
  /** Heavy (`glm-5`) or light (`glm-4.7`) class. */
  class: ModelClass
  /** One line naming the rule and the multiplier in force. */
  reason: string
}

export interface ModelPreference {
  heavy?: string | null
  light?: string | null
}

export interface SelectionInput {
  plan: PlanId | null
  windows: QuotaWindow[]
  peak: PeakState
  /** The plan's pricing now; its phase is "peak" while the quota peak is on. */
  pricing: Pricing
  now: Date
  region: Region
  /** The ids the user can pick (the provider's list, the coding endpoint's); null or empty: the catalog for the date. */
  listed?: readonly string[] | null
  /** Default "balanced". */
  policy?: Policy
  catalog?: ModelCatalog
  prefer?: ModelPreference
  /** Time zone for the reason text; default Beijing. */
  peakTimeZone?: string
}

/** Whether a model id names a GLM-5-class model: "glm-5.3", "zai-coding-plan/glm-5-turbo" → true; "glm-5.3-flash" → false. */
export function isGlm5Class(modelId: string, catalog: ModelCatalog = MODEL_CATALOG): boolean {
  return classOf(modelId, catalog) === "glm-5"
}

/** Percent with at most one decimal: 85, 85.3. */
const formatPercent = (value: number): string => String(Math.round(value * 10) / 10)

/** The fullest five-hour or weekly window at or above the threshold (ties: five-hour first); null windows ignored. */
function fullestWindow(windows: QuotaWindow[], threshold: number): { kind: QuotaWindowKind; percent: number } | null {
  let found: { kind: QuotaWindowKind; percent: number } | null = null
  for (const window of windows) {
    if (window.kind !== "five_hour" && window.kind !== "weekly") continue
    const percent = window.usedPercent
    if (percent === null || !Number.isFinite(percent) || percent < threshold) continue
    if (!found || percent > found.percent) found = { kind: window.kind, percent }
  }
  return found
}

/** "peak hours until 18:00 Beijing time" (or "peak hours" when the end is unknown). */
function peakPhrase(peak: PeakState, timeZone: string): string {
  if (!peak.endsAt) return "peak hours"
  return `peak hours until ${formatClock(peak.endsAt, timeZone)} ${zoneLabel(timeZone)}`
}

/**
 * The ids of a class the user can pick on this tier now, best first: the preferred id, then the catalog's rank. An
 * alias such as "glm-5.4[1m]" is left out.
 * From the list when there is one (an id the catalog does not know counts by its name, after the known ones); an id
 * the catalog knows is dropped when the tier does not have it on that date. Vision variants are never picked.
 */
export function candidates(cls: ModelClass, input: SelectionInput, anyDate = false): string[] {
  const catalog = input.catalog ?? MODEL_CATALOG
  const at = input.now.getTime()
  const pool = input.listed && input.listed.length > 0 ? input.listed.map(bareId) : catalog.models.map((m) => m.id)
  const preferred = cls === "glm-5" ? input.prefer?.heavy : input.prefer?.light
  const rank = (id: string): number =>
    preferred && bareId(preferred) === id ? Infinity : (catalogModel(catalog, id)?.rank ?? -1)
  const ok = [...new Set(pool)].filter((id) => {
    // "glm-5.4[1m]" is matched to glm-5.4 for its facts, but it is no id OpenCode takes: never recommended.
    if (isAlias(id) || classOf(id, catalog) !== cls) return false
    const known = catalogModel(catalog, id)
    if (known === undefined) return input.listed !== undefined && input.listed !== null && input.listed.length > 0
    return !known.vision && (anyDate || isAvailable(known, input.plan, input.region, at))
  })
  return ok.sort((a, b) => rank(b) - rank(a))
}

const recommend = (model: string, cls: ModelClass, reason: string): Recommendation => ({ model, class: cls, reason })

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const monthYear = (d: Date): string => `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`

/**
 * The id a rule's class comes to: the best of that class on the list, else the best of the other class (the reason
 * says why), else — nothing on the list fits that day, a report for an earlier date — the list ranked by the catalog,
 * else the catalog for the date. A China host's served-by swap is named.
 */
function pickId(
  input: SelectionInput,
  cls: ModelClass,
  reason: string,
  heavy: string[],
  light: string[],
): Recommendation {
  const catalog = input.catalog ?? MODEL_CATALOG
  const listedNote = input.listed && input.listed.length > 0 ? "" : " (from the model catalog for the date)"
  const same = cls === "glm-5" ? heavy : light
  const other = cls === "glm-5" ? light : heavy
  const otherCls: ModelClass = cls === "glm-5" ? "glm-4.7" : "glm-5"
  const id = same[0] ?? other[0] ?? candidates(cls, input, true)[0] ?? candidates(otherCls, input, true)[0]
  if (id === undefined) {
    const unlisted = { ...input, listed: null }
    const fromCatalog = candidates(cls, unlisted)[0] ?? candidates("glm-4.7", unlisted, true)[0] ?? "glm-4.7"
    return recommend(fromCatalog, cls, `${reason}; this provider lists no GLM model, so the model catalog for the date`)
  }
  const fallback = same.length === 0 ? `; no ${className(cls)} model is listed, so ${id}` : ""
  const swap = servedBy(catalog, id, input.region, input.now.getTime())
  const since = swap === null ? "" : monthYear(new Date(Date.parse(`${swap.from}T00:00:00+08:00`)))
  const served = swap === null ? "" : `; the China host serves ${id} calls with ${swap.model} since ${since}`
  return recommend(id, classOf(id, catalog) ?? cls, `${reason}${fallback}${served}${listedNote}`)
}

/**
 * The model to use now, with a one-line reason naming the rule and the multiplier in force. Rules, first match wins:
 * 1. plan unknown → light; 2. no heavy-class model on the tier that day (or none listed) → light;
 * 3. a five-hour or weekly window at or above the policy threshold → light;
 * 4. a peak to avoid under the policy (balanced: the quota peak when the heavy class costs more then; economy: any
 *    peak; quality: none) → light; 5. otherwise heavy.
 * The id is the best of its class on the list; when the list has none of that class, the best of the other class.
 */
export function recommendModel(input: SelectionInput): Recommendation {
  const policy = input.policy ?? DEFAULT_POLICY
  const rules = POLICY_RULES[policy] ?? POLICY_RULES[DEFAULT_POLICY]
  const catalog = input.catalog ?? MODEL_CATALOG
  const timeZone = input.peakTimeZone ?? PEAK_TZ
  const { plan, peak, pricing } = input
  const heavy = candidates("glm-5", input)
  const light = candidates("glm-4.7", input)

  const pick = (cls: ModelClass, reason: string): Recommendation => pickId(input, cls, reason, heavy, light)
  if (plan === null) return pick("glm-4.7", `plan unknown: a ${className("glm-4.7")} model, which every plan has`)

  const name = planTitle(plan)
  if (!tierHasClass(catalog, plan, "glm-5", input.region, input.now.getTime())) {
    return pick("glm-4.7", `the ${name} plan has no ${className("glm-5")} model in ${monthYear(input.now)}`)
  }
  if (heavy.length === 0) return pick("glm-4.7", `no ${className("glm-5")} model of the ${name} plan is listed`)

  const full = fullestWindow(input.windows, rules.windowPercent)
  if (full)
    return pick(
      "glm-4.7",
      `${windowName(full.kind, "window")} ${formatPercent(full.percent)} % used: save quota with a ${className("glm-4.7")} model`,
    )

  // The quota peak is decided once, with the schedule, where the pricing is made (report.ts): its phase says it.
  const quotaPeak = pricing.phase === "peak" && peakCostsMore(pricing)
  if (rules.avoidPeak === "quota" && quotaPeak)
    return pick("glm-4.7", `${peakPhrase(peak, timeZone)}: ${costPhrase(pricing)}`)
  if (rules.avoidPeak === "any" && peak.active) {
    const why = quotaPeak ? costPhrase(pricing) : `economy policy keeps a ${className("glm-4.7")} model`
    return pick("glm-4.7", `${peakPhrase(peak, timeZone)}: ${why}`)
  }
  const now = `${times(multiplierNow(pricing, "glm-5"))} ${pricing.generation === "credit" ? "credits" : "quota"}`
  if (pricing.phase === "peak") {
    return pick(
      "glm-5",
      `${policy === "quality" ? "quality policy" : "quota to spare"}: ${className("glm-5")} on the ${name} plan even in ${peakPhrase(peak, timeZone)}, at ${now}`,
    )
  }
  if (peak.active)
    return pick(
      "glm-5",
      `${peakPhrase(peak, timeZone)} without extra cost and quota to spare: ${className("glm-5")} on the ${name} plan, at ${now}`,
    )
  const peakCost =
    pricing["glm-5"].peak === pricing["glm-5"].offPeak ? "" : ` (${times(pricing["glm-5"].peak)} at peak)`
  return pick(
    "glm-5",
    `off-peak and quota to spare: ${className("glm-5")} on the ${name} plan at ${now} now${peakCost}`,
  )
}

const ID = /^[a-z0-9][a-z0-9._\-[\]]{0,63}$/i

/**
 * The `models` option (and the CLI's GLM_QUOTA_MODELS): preferred ids, catalog entries and credit cost overrides;
 * anything unusable is named and left out.
 */
export function parseModels(v: unknown): { prefer: ModelPreference; catalog: ModelCatalog; problems: string[] } {
  const out = { prefer: {} as ModelPreference, catalog: MODEL_CATALOG, problems: [] as string[] }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    return { ...out, problems: ["models (expected { heavy, light, catalog, credits })"] }
  const o = v as Record<string, unknown>
  for (const k of Object.keys(o))
    if (!["heavy", "light", "catalog", "credits"].includes(k)) out.problems.push(`models.${k} (unknown)`)
  for (const k of ["heavy", "light"] as const) {
    if (o[k] === undefined) continue
    if (typeof o[k] === "string" && ID.test(o[k].trim())) out.prefer[k] = o[k].trim()
    else out.problems.push(`models.${k} (expected a model id such as glm-5.3)`)
  }
  const merged = withModelOverrides(MODEL_CATALOG, o.catalog)
  const credits = withCreditOverrides(MODEL_CATALOG.credits, o.credits)
  out.catalog =
    credits.credits === MODEL_CATALOG.credits ? merged.catalog : { ...merged.catalog, credits: credits.credits }
  out.problems.push(...[...merged.problems, ...credits.problems].map((p) => `models.${p}`))
  return out
}
