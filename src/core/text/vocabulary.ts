// The words every renderer, toast and reason shares: one spelling of each, so they cannot drift apart. Pure.
import type { QuotaWindowKind, ModelClass, Pricing, PlanGeneration } from "../types.ts"

/** Beijing: the zone every wall-clock time of the Z.ai / BigModel APIs is written in. */
export const BEIJING_TZ = "Asia/Shanghai"
/** The zone the vendor's peak hours are written in (a user's schedule may name another). */
export const PEAK_TZ = BEIJING_TZ

/** "Beijing time" for the vendor's zone, else the zone's IANA name; `short`: "Beijing". */
export function zoneLabel(timeZone: string, short = false): string {
  if (timeZone !== PEAK_TZ) return timeZone
  return short ? "Beijing" : "Beijing time"
}

const WINDOW_NAMES: Record<QuotaWindowKind, { title: string; lower: string; window: string }> = {
  five_hour: { title: "5-hour", lower: "5-hour", window: "5-hour window" },
  weekly: { title: "Weekly", lower: "weekly", window: "weekly window" },
}

/** "5-hour" / "Weekly" (title), "5-hour" / "weekly" (lower, inside a sentence), "5-hour window" / "weekly window". */
export function windowName(kind: QuotaWindowKind, style: "title" | "lower" | "window" = "title"): string {
  return WINDOW_NAMES[kind][style]
}

/** "GLM-5-class" / "GLM-4.7-class". */
export const className = (cls: ModelClass): string => (cls === "glm-5" ? "GLM-5-class" : "GLM-4.7-class")

/** "3×", "0.5×". */
export const times = (value: number): string => `${String(Math.round(value * 100) / 100)}×`

const meterWord = (generation: PlanGeneration): string => (generation === "credit" ? "credits" : "quota")

/**
 * What a class costs now, and in the other phase: "GLM-5-class models cost 3× quota (2× off-peak)" at peak,
 * "GLM-5-class models cost 2× quota now (3× at peak)" off-peak; credit plans say "credits".
 */
export function costPhrase(pricing: Pricing, cls: ModelClass = "glm-5"): string {
  const p = pricing[cls]
  const word = meterWord(pricing.generation)
  if (pricing.phase === "peak")
    return `${className(cls)} models cost ${times(p.peak)} ${word}${p.offPeak === p.peak ? "" : ` (${times(p.offPeak)} off-peak)`}`
  return `${className(cls)} models cost ${times(p.offPeak)} ${word} now${p.offPeak === p.peak ? "" : ` (${times(p.peak)} at peak)`}`
}

/** Whether the class costs more at the quota peak than off-peak on this plan (rule 4 of the model choice). */
export const peakCostsMore = (pricing: Pricing, cls: ModelClass = "glm-5"): boolean =>
  pricing[cls].peak > pricing[cls].offPeak

/** "legacy token plan" / "credit plan". */
export const generationName = (generation: PlanGeneration): string =>
  generation === "credit" ? "credit plan" : "token plan"

/** "Lite", "Pro", "Max", else the label the API sent, else "unknown plan". */
export function planTitle(plan: string | null, label: string | null = null): string {
  if (plan !== null && plan !== "") return plan[0]!.toUpperCase() + plan.slice(1)
  return label ?? "unknown plan"
}

/** The Coding Plan provider id OpenCode uses for each region. */
const PROVIDER_OF_REGION: Record<string, string> = { china: "zhipuai-coding-plan", international: "zai-coding-plan" }

/**
 * The shared error sentences speak the CLI's language (`try --region china`); inside OpenCode the fix is the plugin
 * option or the provider id. Rewrites the CLI phrase into OpenCode's, leaving every other word of the sentence alone.
 */
export function openCodeAdvice(message: string): string {
  return message.replace(
    /(?:\b(try) )?`?--region (china|international)\b`?/g,
    (_m, verb: string | undefined, region: string) => {
      const option = `\`"region": "${region}"\` in the glm-quota plugin options`
      if (verb === undefined) return option
      return `set ${option} of opencode.json (that region's provider in OpenCode is ${PROVIDER_OF_REGION[region]})`
    },
  )
}
