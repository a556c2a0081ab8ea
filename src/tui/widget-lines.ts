// What the TUI widget says, as lines of coloured segments. Pure: the report, the clock, the zones and the session's
// model come in; the renderer only maps tones to theme colours.
import { bar, clockIn, countdown, percentText } from "../core/text/format.ts"
import { PEAK_TZ, planTitle, windowName, zoneLabel } from "../core/text/vocabulary.ts"
import { classOf } from "../core/plans/model-catalog.ts"
import type { QuotaError, QuotaWindow, QuotaWindowKind } from "../core/types.ts"
import type { TurnFigure } from "../core/record/turns.ts"
import { turnSegments } from "./turn-line.ts"
import type { Line, Segment, Tone } from "./segments.ts"
import type { Report } from "../core/report/report.ts"

/** What the TUI knows about the quota right now. */
export type WidgetData =
  | { kind: "loading" }
  | { kind: "no_key" }
  | { kind: "failed"; error: QuotaError }
  | { kind: "report"; report: Report; planLabel: string | null }

export interface WidgetContext {
  now: Date
  localTimeZone: string
  /** The peak schedule's zone (Beijing by default). */
  peakTimeZone?: string
  /** The session's model ("glm-5", "zai-coding-plan/glm-4.7"), or null when not known yet. */
  sessionModel: string | null
  /** Percent used at which a bar turns warning, and (the highest, when there are two or more) danger. */
  thresholds: number[]
  /** The last turn's credits and share of the 5-hour window (src/tui/turn-line.ts), when one is recorded. */
  lastTurn?: TurnFigure | null
}

/** Sidebar lines are kept to this width, so the sidebar never wraps them. */
export const SIDEBAR_WIDTH = 36
const SIDEBAR_BAR = 10
const PROMPT_BAR = 5

export const seg = (text: string, tone: Tone = "text", bold = false): Segment =>
  bold ? { text, tone, bold } : { text, tone }

export function toneFor(percent: number | null, thresholds: number[]): Tone {
  if (percent === null) return "muted"
  const sorted = [...thresholds].sort((a, b) => a - b)
  const warn = sorted[0] ?? 80
  const danger = sorted.length > 1 ? sorted[sorted.length - 1]! : 100
  if (percent >= danger || percent >= 100) return "danger"
  if (percent >= warn) return "warn"
  return "ok"
}

export function window(report: Report, kind: QuotaWindowKind): QuotaWindow | undefined {
  return report.windows.find((w) => w.kind === kind)
}

export const SHORT = { five_hour: "5h", weekly: "wk" } as const

/** The window whose reset matters: the binding one, else the five-hour window. */
export function resetWindow(report: Report): QuotaWindow | undefined {
  const kind = report.binding ?? "five_hour"
  const w = window(report, kind)
  if (w !== undefined && w.resetsAt !== null) return w
  return report.windows.find((x) => (x.kind === "five_hour" || x.kind === "weekly") && x.resetsAt !== null)
}

/** "10:00 (18:00 Beijing)" — local time first; the schedule's zone only when it differs. */
export function peakEnd(iso: string, ctx: WidgetContext): { local: string; there: string | null } {
  const peakTz = ctx.peakTimeZone ?? PEAK_TZ
  const local = clockIn(iso, ctx.localTimeZone, ctx.now)
  if (peakTz === ctx.localTimeZone) return { local, there: null }
  return { local, there: `${clockIn(iso, peakTz, ctx.now)} ${zoneLabel(peakTz, true)}` }
}

/**
 * The model to suggest, when its class differs from the session's: the recommended light id while the session runs a
 * GLM-5-class model, the heavy one while it runs a light GLM model. Nothing for a session on a non-GLM model or on a
 * model of the recommended class; the recommendation itself when the session's model is not known yet.
 */
export function modelAdvice(report: Report, sessionModel: string | null): string | null {
  const rec = report.recommendation
  if (sessionModel === null || sessionModel.trim() === "") return rec.model
  const cls = classOf(sessionModel)
  if (cls === null || cls === rec.class) return null
  return rec.model
}

function shortModel(id: string): string {
  const slash = id.lastIndexOf("/")
  return slash >= 0 ? id.slice(slash + 1) : id
}

/** One line for a state without a report: how to add a key, or what went wrong (the dialog tells the whole story). */
export function problemLine(data: Exclude<WidgetData, { kind: "report" }>): Line {
  if (data.kind === "loading") return [seg("GLM quota: reading…", "muted")]
  if (data.kind === "no_key") return [seg("No GLM key", "warn"), seg(" · /connect or ZAI_API_KEY", "muted")]
  const e = data.error
  if (e.kind === "no_key") return problemLine({ kind: "no_key" })
  if (e.kind === "auth" || e.kind === "wrong_region")
    return [seg("GLM key rejected", "danger"), seg(" · see /glm-quota", "muted")]
  if (e.kind === "rate_limited") return [seg("GLM quota: throttled", "warn"), seg(" · retrying", "muted")]
  if (e.kind === "timeout" || e.kind === "network")
    return [seg("GLM quota: API unreachable", "warn"), seg(" · retrying", "muted")]
  return [seg("GLM quota unavailable", "warn"), seg(" · see /glm-quota", "muted")]
}

/** The sidebar widget: plan, the two windows with bars, when the binding window resets, peak, model advice. */
export function sidebarLines(data: WidgetData, ctx: WidgetContext): Line[] {
  if (data.kind !== "report") return [problemLine(data)]
  const { report } = data
  const lines: Line[] = []
  const title: Line = [seg(`GLM Coding Plan · ${planTitle(report.plan, data.planLabel)}`, "text", true)]
  if (report.stale) title.push(seg(" · stale", "warn"))
  lines.push(title)
  for (const kind of ["five_hour", "weekly"] as const) {
    const w = window(report, kind)
    if (w === undefined) continue
    const tone = toneFor(w.usedPercent, ctx.thresholds)
    lines.push([
      seg(windowName(kind).padEnd(7), "muted"),
      seg(bar(w.usedPercent, SIDEBAR_BAR), tone),
      seg(` ${percentText(w.usedPercent).padStart(5)}`, tone),
    ])
  }
  const r = resetWindow(report)
  if (r !== undefined && r.resetsAt !== null) {
    const name = windowName(r.kind === "weekly" ? "weekly" : "five_hour")
    lines.push([
      seg(`${name} resets in `, "muted"),
      seg(countdown(Date.parse(r.resetsAt) - ctx.now.getTime()), "text"),
      seg(` (${clockIn(r.resetsAt, ctx.localTimeZone, ctx.now)})`, "muted"),
    ])
  }
  if (report.peak.active) {
    const line: Line = [seg("⚑ Peak", "warn", true)]
    if (report.peak.endsAt !== null) {
      const end = peakEnd(report.peak.endsAt, ctx)
      line.push(seg(" until ", "muted"), seg(end.local, "text"))
      if (end.there !== null) line.push(seg(` (${end.there})`, "muted"))
    }
    lines.push(line)
  }
  const advice = modelAdvice(report, ctx.sessionModel)
  if (advice !== null) {
    const line: Line = [seg("Use ", "muted"), seg(advice, "accent", true)]
    if (ctx.sessionModel !== null && ctx.sessionModel.trim() !== "")
      line.push(seg(` · not ${shortModel(ctx.sessionModel)}`, "muted"))
    lines.push(line)
  }
  if (ctx.lastTurn) lines.push(turnSegments(ctx.lastTurn, false))
  return lines
}

/** The one-line form for the right of the prompt. */
export function promptLine(data: WidgetData, ctx: WidgetContext): Line {
  if (data.kind !== "report") return problemLine(data)
  const { report } = data
  const line: Line = [seg("GLM", "text", true)]
  let first = true
  for (const kind of ["five_hour", "weekly"] as const) {
    const w = window(report, kind)
    if (w === undefined) continue
    const tone = toneFor(w.usedPercent, ctx.thresholds)
    line.push(
      seg(`${first ? " " : " · "}${SHORT[kind]} `, "muted"),
      seg(bar(w.usedPercent, PROMPT_BAR), tone),
      seg(` ${percentText(w.usedPercent)}`, tone),
    )
    first = false
  }
  const r = resetWindow(report)
  if (r !== undefined && r.resetsAt !== null)
    line.push(seg(" · ↻ ", "muted"), seg(countdown(Date.parse(r.resetsAt) - ctx.now.getTime()), "text"))
  if (report.peak.active) {
    line.push(seg(" · ", "muted"), seg("⚑ peak", "warn", true))
    if (report.peak.endsAt !== null) line.push(seg(` → ${peakEnd(report.peak.endsAt, ctx).local}`, "muted"))
  }
  const advice = modelAdvice(report, ctx.sessionModel)
  if (advice !== null) line.push(seg(" · use ", "muted"), seg(advice, "accent", true))
  if (ctx.lastTurn) line.push(...turnSegments(ctx.lastTurn, true))
  if (report.stale) line.push(seg(" · stale", "warn"))
  return line
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join("")
}
