// Model selection by tier: which model to use on this plan, right now, and why. Pure.

import { PLAN_CATALOG, planHasModel, type PlanCatalog } from "./plans.ts"
import { formatClock, isQuotaPeak } from "./peak.ts"
import type { ModelId, PeakState, PlanId, Policy, QuotaWindow, Recommendation } from "./types.ts"

/**
 * Policy thresholds as data.
 * - `windowPercent`: a five-hour or weekly window at or above this percent used → GLM-4.7.
 * - `avoidPeak`: "quota" avoids GLM-5 during a quota peak (GLM-5 costs extra), "any" during any peak,
 *   "never" keeps GLM-5 at peak (the reason mentions the cost).
 */
export const POLICY_RULES: Record<Policy, { windowPercent: number; avoidPeak: "quota" | "any" | "never" }> = {
  quality: { windowPercent: 95, avoidPeak: "never" },
  balanced: { windowPercent: 80, avoidPeak: "quota" },
  economy: { windowPercent: 50, avoidPeak: "any" },
}

export const DEFAULT_POLICY: Policy = "balanced"
export const DEFAULT_PEAK_TIME_ZONE = "Asia/Shanghai"

/** The model every plan has, and the one picked when in doubt. */
const SAFE_MODEL: ModelId = "glm-4.7"
const PREMIUM_MODEL: ModelId = "glm-5"

export interface SelectionInput {
  plan: PlanId | null
  windows: QuotaWindow[]
  peak: PeakState
  /** Default "balanced". */
  policy?: Policy
  catalog?: PlanCatalog
  /** Time zone for the reason text; default "Asia/Shanghai". */
  peakTimeZone?: string
}

const GLM5_CLASS = /(?:^|[^a-z0-9])glm-5(?:$|[.\-[])/i

/**
 * Whether a model id names a GLM-5-class model (billed at the peak multiplier):
 * "glm-5", "GLM-5", "glm-5.1", "glm-5-turbo", "zai-coding-plan/glm-5", "glm-5.2[1m]" → true;
 * "glm-4.7", "glm-4.5-air", "glm-50x" → false. "glm-5" must be followed by the end, ".", "-" or "[".
 */
export function isGlm5Class(modelId: string): boolean {
  return GLM5_CLASS.test(modelId)
}

const WINDOW_LABEL: Record<"five_hour" | "weekly", string> = {
  five_hour: "5-hour window",
  weekly: "weekly window",
}

/** Percent with at most one decimal: 85, 85.3. */
const formatPercent = (value: number): string => String(Math.round(value * 10) / 10)

const formatMultiplier = (value: number): string => `${String(Math.round(value * 100) / 100)}×`

/** The fullest five-hour or weekly window at or above the threshold (ties: five-hour first); null windows ignored. */
function fullestWindow(windows: QuotaWindow[], threshold: number): { kind: "five_hour" | "weekly"; percent: number } | null {
  let found: { kind: "five_hour" | "weekly"; percent: number } | null = null
  for (const window of windows) {
    if (window.kind !== "five_hour" && window.kind !== "weekly") continue
    const percent = window.usedPercent
    if (percent === null || !Number.isFinite(percent) || percent < threshold) continue
    if (!found || percent > found.percent) found = { kind: window.kind, percent }
  }
  return found
}

const zoneLabel = (timeZone: string): string => (timeZone === "Asia/Shanghai" ? "Beijing time" : timeZone)

/** "peak hours until 18:00 Beijing time" (or "peak hours" when the end is unknown). */
function peakPhrase(peak: PeakState, timeZone: string): string {
  if (!peak.endsAt) return "peak hours"
  return `peak hours until ${formatClock(peak.endsAt, timeZone)} ${zoneLabel(timeZone)}`
}

/** "GLM-5 costs 3× quota", or a neutral phrase when the multiplier is not above 1. */
const costPhrase = (peak: PeakState): string =>
  peak.glm5Multiplier > 1 ? `GLM-5 costs ${formatMultiplier(peak.glm5Multiplier)} quota` : "GLM-5 is saved for off-peak"

const recommend = (model: ModelId, reason: string): Recommendation => ({ model, reason })

/**
 * The model to use now, with a one-line reason. Rules, first match wins:
 * 1. plan unknown → GLM-4.7; 2. plan without GLM-5 in the catalog → GLM-4.7;
 * 3. a five-hour or weekly window at or above the policy threshold → GLM-4.7;
 * 4. peak to avoid under the policy (balanced: quota peak; economy: any peak; quality: none) → GLM-4.7;
 * 5. otherwise GLM-5.
 */
export function recommendModel(input: SelectionInput): Recommendation {
  const policy = input.policy ?? DEFAULT_POLICY
  const rules = POLICY_RULES[policy] ?? POLICY_RULES[DEFAULT_POLICY]
  const catalog = input.catalog ?? PLAN_CATALOG
  const timeZone = input.peakTimeZone ?? DEFAULT_PEAK_TIME_ZONE
  const { plan, peak } = input

  if (plan === null) {
    return recommend(SAFE_MODEL, "plan unknown: picking GLM-4.7, the model every plan has")
  }

  const planName = catalog[plan]?.name ?? plan
  if (!planHasModel(catalog, plan, PREMIUM_MODEL)) {
    return recommend(SAFE_MODEL, `the ${planName} plan does not include GLM-5: use GLM-4.7`)
  }

  const full = fullestWindow(input.windows, rules.windowPercent)
  if (full) {
    return recommend(SAFE_MODEL, `${WINDOW_LABEL[full.kind]} ${formatPercent(full.percent)} % used: save quota with GLM-4.7`)
  }

  const quotaPeak = isQuotaPeak(peak)
  if (rules.avoidPeak === "quota" && quotaPeak) {
    return recommend(SAFE_MODEL, `${peakPhrase(peak, timeZone)}: ${costPhrase(peak)}`)
  }
  if (rules.avoidPeak === "any" && peak.active) {
    const why = quotaPeak ? costPhrase(peak) : "economy policy keeps GLM-4.7"
    return recommend(SAFE_MODEL, `${peakPhrase(peak, timeZone)}: ${why}`)
  }

  if (rules.avoidPeak === "never" && quotaPeak) {
    const cost = peak.glm5Multiplier > 1 ? `, at ${formatMultiplier(peak.glm5Multiplier)} quota` : ""
    return recommend(PREMIUM_MODEL, `quality policy: GLM-5 on the ${planName} plan even in ${peakPhrase(peak, timeZone)}${cost}`)
  }
  if (peak.active) {
    return recommend(PREMIUM_MODEL, `${peakPhrase(peak, timeZone)} without extra GLM-5 cost and quota to spare: GLM-5 on the ${planName} plan`)
  }
  return recommend(PREMIUM_MODEL, `off-peak and quota to spare: GLM-5 on the ${planName} plan`)
}
