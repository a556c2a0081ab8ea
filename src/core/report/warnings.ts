// Which warnings to show now, and the keys that make each appear once per period. Pure: the caller keeps `seen`.
import { classOf, MODEL_CATALOG, tierHasClass, type ModelCatalog } from "../plans/model-catalog.ts"
import { countdown } from "../text/format.ts"
import { MINUTE_MS } from "../record/records.ts"
import type { Runway } from "../record/runway.ts"
import type { Policy, QuotaWindow, QuotaWindowKind, Pricing } from "../types.ts"
import { className, costPhrase, peakCostsMore, planTitle, windowName } from "../text/vocabulary.ts"
import type { PeakState } from "../time/peak.ts"
import type { Report } from "./report.ts"

export type ToastVariant = "info" | "success" | "warning" | "error"

export interface Warning {
  /** Identifies the warning's period: the same key is never shown twice. */
  key: string
  title: string
  message: string
  variant: ToastVariant
  /** A few words for the title of a toast that says this with another warning ("switched to glm-5.3-flash"). */
  short?: string
  /** What this warning adds to another one's message when both are said in one toast. */
  addendum?: string
}

const SEVERITY: Record<ToastVariant, number> = { error: 3, warning: 2, info: 1, success: 0 }

/**
 * Warnings of one moment (a prompt, a turn's end) as one toast: the most severe leads (its title and message), the
 * others join its title by their short words and its message by their addendum. Null when there is none.
 */
export function combineWarnings(ws: readonly Warning[]): Warning | null {
  if (ws.length <= 1) return ws[0] ?? null
  const [lead, ...rest] = [...ws].sort((a, b) => SEVERITY[b.variant] - SEVERITY[a.variant])
  return {
    key: lead!.key,
    title: `${lead!.title}: ${rest.map((w) => w.short ?? w.title).join(", ")}`,
    message: [lead!.message, ...rest.map((w) => w.addendum ?? w.message)].join(" "),
    variant: lead!.variant,
  }
}

export interface Clocks {
  /** "18:00 Beijing time (11:00 your time)" */
  twoClocks: (iso: string) => string
}

/** A peak warning once per peak period (identified by its end), with what the quota peak costs on this plan now. */
export function peakWarning(peak: PeakState, pricing: Pricing, clocks: Clocks): Warning | null {
  if (!peak.active || peak.endsAt === null) return null
  const costs: string[] = []
  if (pricing.phase === "peak") costs.push(costPhrase(pricing))
  if (peak.periods.includes("throttle")) costs.push("expect slower answers and 1302 concurrency errors")
  return {
    key: `peak:${peak.periods.join(",")}:${peak.endsAt}`,
    title: "GLM peak hours",
    message: `Peak hours (${peak.periods.join(", ")}) until ${clocks.twoClocks(peak.endsAt)}${costs.length > 0 ? `: ${costs.join("; ")}` : ""}.`,
    variant: "warning",
  }
}

/**
 * Quota warnings: for each five-hour and weekly window, the highest threshold it has reached, once per threshold per
 * window (the window's reset identifies it). Lower thresholds reached at the same time are marked seen with it.
 */
export function quotaWarnings(
  windows: QuotaWindow[],
  thresholds: number[],
  clocks: Clocks,
): { show: Warning[]; alsoSeen: string[] } {
  const show: Warning[] = []
  const alsoSeen: string[] = []
  const sorted = [...new Set(thresholds)].sort((a, b) => b - a)
  for (const w of windows) {
    if ((w.kind !== "five_hour" && w.kind !== "weekly") || w.usedPercent === null) continue
    const reached = sorted.filter((t) => w.usedPercent! >= t)
    if (reached.length === 0) continue
    const id = (t: number) => `quota:${w.kind}:${t}:${w.resetsAt ?? "unknown"}`
    const top = reached[0]!
    const back = w.resetsAt === null ? "" : ` It resets at ${clocks.twoClocks(w.resetsAt)}.`
    show.push({
      key: id(top),
      title: `GLM ${windowName(w.kind as QuotaWindowKind, "lower")} window ${w.usedPercent} % used`,
      message: `Your ${windowName(w.kind as QuotaWindowKind, "lower")} window has reached ${w.usedPercent} %.${back}${w.usedPercent >= 100 ? " Requests will fail until then." : ` A ${className("glm-4.7")} model stretches what is left.`}`,
      variant: w.usedPercent >= 95 ? "error" : "warning",
    })
    alsoSeen.push(...reached.slice(1).map(id))
  }
  return { show, alsoSeen }
}

export interface ModelWarningInput {
  sessionID: string
  modelID: string
  report: Report
  policy: Policy
  catalog?: ModelCatalog
  clocks: Clocks
}

/**
 * A GLM-5-class model on a plan that has none that day, or during the quota peak under balanced/economy when the heavy
 * class costs more then → suggest the recommended light id (a concrete one the user can pick).
 */
export function modelWarning(input: ModelWarningInput): Warning | null {
  const catalog = input.catalog ?? MODEL_CATALOG
  if (classOf(input.modelID, catalog) !== "glm-5") return null
  const { report } = input
  const plan = report.plan
  const rec = report.recommendation
  const pick = rec.class === "glm-4.7" ? rec.model : "a GLM-4.7-class model"
  if (plan !== null && !tierHasClass(catalog, plan, "glm-5", report.region, Date.parse(report.fetchedAt))) {
    return {
      key: `model:${input.sessionID}:plan:${plan}`,
      title: "GLM-5 class not in your plan",
      message: `This session uses ${input.modelID}, which the ${planTitle(plan)} plan does not include (error 1311): switch to ${pick} with /models.`,
      variant: "warning",
    }
  }
  const pricing = report.pricing
  if (pricing === undefined || pricing.phase !== "peak" || !peakCostsMore(pricing)) return null
  if (input.policy !== "quality" && rec.class === "glm-4.7" && report.peak.endsAt !== null) {
    const better = `${pick} is the better pick until then (/models).`
    return {
      key: `model:${input.sessionID}:peak:${report.peak.endsAt}`,
      title: `GLM: use ${pick} during the peak`,
      short: `use ${pick}`,
      message: `Peak hours until ${input.clocks.twoClocks(report.peak.endsAt)}: ${costPhrase(pricing)}. ${better}`,
      addendum: `Until then ${pick} is the better pick (/models).`,
      variant: "info",
    }
  }
  return null
}

/** A runway warning needs the projected exhaustion to come more than this long before the reset. */
export const RUNWAY_WARNING_MARGIN_MS = 15 * MINUTE_MS

export interface RunwayWarning {
  /** Once per window: the window's reset identifies it. */
  key: string
  title: string
  message: string
  variant: "warning"
}

export interface RunwayWarningInput {
  window: QuotaWindowKind
  resetsAt: string | null
  runway: Runway
  now: Date
  /** How an instant is shown ("18:00 Beijing time (11:00 your time)"); defaults to the ISO instant. */
  formatTime?: (iso: string) => string
  /** Warn only when the window runs out more than this long before its reset (default 15 minutes). */
  marginMs?: number
}

/** A warning when the window is projected to run out more than 15 minutes before it resets; else null. */
export function runwayWarning(input: RunwayWarningInput): RunwayWarning | null {
  const r = input.runway
  if (r.state !== "runs_out" || input.resetsAt === null) return null
  if (r.beforeResetMs <= (input.marginMs ?? RUNWAY_WARNING_MARGIN_MS)) return null
  const show = input.formatTime ?? ((iso: string) => iso)
  const name = windowName(input.window, "lower")
  const inMs = Date.parse(r.exhaustsAt) - input.now.getTime()
  const when = inMs <= 0 ? "now" : `in ${countdown(inMs)} (${show(r.exhaustsAt)})`
  return {
    key: `runway:${input.window}:${input.resetsAt}`,
    title: `GLM ${name} window runs out early`,
    message: `At the current pace (${r.pointsPerHour} points an hour) your ${name} window runs out ${when}, ${countdown(r.beforeResetMs)} before it resets at ${show(input.resetsAt)}. GLM-4.7 stretches what is left.`,
    variant: "warning",
  }
}
