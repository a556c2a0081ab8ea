// The status line of `glm-quota --line` as text: one short line for tmux, a shell prompt or another agent's
// status-line command. Pure: the report, the clock and whether to colour come in.
import { bar, countdown } from "../core/text/format.ts"
import { cleanText } from "../core/text/sanitize.ts"
import type { QuotaWindow } from "../core/types.ts"
import { planTitle } from "../core/text/vocabulary.ts"
import type { Report } from "../core/report/report.ts"

/** What the line says when there is nothing to show (no key, no reading): the whole output, one line. */
export const NOTHING = "glm ?\n"

const BAR_CELLS = 5
/** A plan name the API spelled its own way is cut to this, so the line stays short. */
const MAX_PLAN = 12
const SHORT = { five_hour: "5h", weekly: "wk" } as const
/** Percent used at which a percentage turns yellow, and red (the plugin's default thresholds). */
const WARN_AT = 80
const DANGER_AT = 95

export interface LineContext {
  now: Date
  /** The plan as the API spelled it, when `plan` is not one of the known tiers. */
  planLabel: string | null
  /** ANSI colours for the percentages (stdout is a terminal and NO_COLOR is unset). */
  color: boolean
}

/** "37%", "100%", "—"; never "100%" before the window is really used up. */
function percent(p: number | null): string {
  if (p === null) return "—"
  return p >= 100 ? "100%" : `${Math.min(99, Math.round(p))}%`
}

/** Green below 80 %, yellow from it, red from 95 %: the only escape sequences the line ever has. */
function paint(text: string, p: number | null, color: boolean): string {
  if (!color || p === null) return text
  const code = p >= DANGER_AT ? 31 : p >= WARN_AT ? 33 : 32
  return `\x1b[${code}m${text}\x1b[39m`
}

/** The window whose reset matters: the binding one, else whichever of the two has a reset. */
function resetWindow(report: Report): QuotaWindow | undefined {
  const binding = fullest(report.windows, report.binding ?? "five_hour")
  if (binding !== undefined && binding.resetsAt !== null) return binding
  return report.windows.find((w) => (w.kind === "five_hour" || w.kind === "weekly") && w.resetsAt !== null)
}

/**
 * The window of a kind the line shows: with duplicate rows (a relay, a new plan shape), the fullest — the one the exit
 * status (2 when a five-hour or weekly window is at 100 %) is decided by, so text and status never disagree.
 */
export function fullest(windows: readonly QuotaWindow[], kind: "five_hour" | "weekly"): QuotaWindow | undefined {
  let best: QuotaWindow | undefined
  for (const w of windows) {
    if (w.kind !== kind) continue
    if (best === undefined || (w.usedPercent ?? -1) > (best.usedPercent ?? -1)) best = w
  }
  return best
}

/** "2h41m", "3d9h", "45m", "<1m", "now". */
export function shortCountdown(ms: number): string {
  const text = countdown(ms)
  return text === "under a minute" ? "<1m" : text.replace(/ /g, "")
}

function planName(report: Report, label: string | null): string {
  if (report.plan !== null) return planTitle(report.plan)
  return label === null ? "" : cleanText(label, MAX_PLAN)
}

/**
 * `GLM Pro 5h ██░░░ 37% · wk ██░░░ 41% · ↻2h41m · ⚑peak · →4.7`, ending in one newline: the plan, each window's
 * use, the binding window's countdown to its reset, the peak flag while a peak is on, the recommended model class
 * (`→5`: GLM-5 class, `→4.7`: GLM-4.7 class), and `(stale)` when the reading could not be refreshed.
 */
export function statusLine(report: Report, ctx: LineContext): string {
  const plan = planName(report, ctx.planLabel)
  const parts: string[] = []
  for (const kind of ["five_hour", "weekly"] as const) {
    const w = fullest(report.windows, kind)
    if (w === undefined) continue
    parts.push(
      `${SHORT[kind]} ${bar(w.usedPercent, BAR_CELLS)} ${paint(percent(w.usedPercent), w.usedPercent, ctx.color)}`,
    )
  }
  const r = resetWindow(report)
  if (r !== undefined && r.resetsAt !== null)
    parts.push(`↻${shortCountdown(Date.parse(r.resetsAt) - ctx.now.getTime())}`)
  if (report.peak.active) parts.push("⚑peak")
  parts.push(`→${report.recommendation.class === "glm-5" ? "5" : "4.7"}`)
  const head = plan === "" ? "GLM" : `GLM ${plan}`
  return `${head} ${parts.join(" · ")}${report.stale ? " (stale)" : ""}\n`
}
