// Which warnings to show now, and the keys that make each appear once per period. Pure: the caller keeps `seen`.
import type { PeakState, Policy, Report, QuotaWindow } from "./types.ts"
import { isGlm5Class } from "./model.ts"
import { PLAN_CATALOG, planHasModel, type PlanCatalog } from "./plans.ts"

export type ToastVariant = "info" | "success" | "warning" | "error"

export interface Warning {
  /** Identifies the warning's period: the same key is never shown twice. */
  key: string
  title: string
  message: string
  variant: ToastVariant
}

export interface Clocks {
  /** "18:00 Beijing time (11:00 your time)" */
  twoClocks: (iso: string) => string
}

/** A peak warning once per peak period (identified by its end). */
export function peakWarning(peak: PeakState, clocks: Clocks): Warning | null {
  if (!peak.active || peak.endsAt === null) return null
  const costs: string[] = []
  if (peak.glm5Multiplier > 1) costs.push(`GLM-5-class models cost ${peak.glm5Multiplier}× quota`)
  if (peak.periods.includes("throttle")) costs.push("expect slower answers and 1302 concurrency errors")
  return {
    key: `peak:${peak.periods.join(",")}:${peak.endsAt}`,
    title: "GLM peak hours",
    message: `Peak hours (${peak.periods.join(", ")}) until ${clocks.twoClocks(peak.endsAt)}${costs.length > 0 ? `: ${costs.join("; ")}` : ""}.`,
    variant: "warning",
  }
}

const TITLE: Record<"five_hour" | "weekly", string> = { five_hour: "5-hour", weekly: "weekly" }

/**
 * Quota warnings: for each five-hour and weekly window, the highest threshold it has reached, once per threshold per
 * window (the window's reset identifies it). Lower thresholds reached at the same time are marked seen with it.
 */
export function quotaWarnings(windows: QuotaWindow[], thresholds: number[], clocks: Clocks): { show: Warning[]; alsoSeen: string[] } {
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
      title: `GLM ${TITLE[w.kind]} window ${w.usedPercent} % used`,
      message: `Your ${TITLE[w.kind]} window has reached ${w.usedPercent} %.${back}${w.usedPercent >= 100 ? " Requests will fail until then." : " GLM-4.7 stretches what is left."}`,
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
  catalog?: PlanCatalog
  clocks: Clocks
}

/** Using a GLM-5-class model on a plan without it, or at quota peak under balanced/economy → suggest GLM-4.7. */
export function modelWarning(input: ModelWarningInput): Warning | null {
  if (!isGlm5Class(input.modelID)) return null
  const { report } = input
  const plan = report.plan
  if (plan !== null && !planHasModel(input.catalog ?? PLAN_CATALOG, plan, "glm-5")) {
    return {
      key: `model:${input.sessionID}:plan:${plan}`,
      title: "GLM-5 is not in your plan",
      message: `This session uses ${input.modelID}, which the ${plan[0]!.toUpperCase()}${plan.slice(1)} plan does not include (error 1311): switch to GLM-4.7 with /models.`,
      variant: "warning",
    }
  }
  const quotaPeak = report.peak.active && report.peak.glm5Multiplier > 1
  if (quotaPeak && input.policy !== "quality" && report.recommendation.model === "glm-4.7" && report.peak.endsAt !== null) {
    return {
      key: `model:${input.sessionID}:peak:${report.peak.endsAt}`,
      title: "GLM-5 costs more right now",
      message: `Peak hours until ${input.clocks.twoClocks(report.peak.endsAt)}: ${input.modelID} costs ${report.peak.glm5Multiplier}× quota. GLM-4.7 is the better pick until then (/models).`,
      variant: "info",
    }
  }
  return null
}
