// A report as neutral lines of text, shared by the Markdown and terminal renderers. Pure.
import { bar, BEIJING_TZ, clockIn, countdown, countersText, groupDigits, percentText, planTitle, toolsText, windowTitle } from "./format.ts"
import type { LocalReport, PeakState, Report, UsageHistory } from "./types.ts"
import { sparkline, sumSeries } from "./usage.ts"

export interface ViewContext {
  now: Date
  /** The user's time zone, for reset and peak times. */
  localTimeZone: string
  /** The peak schedule's zone (Beijing by default). */
  peakTimeZone?: string
  planLabel?: string | null
  /** Why the data is stale (the error of the failed refresh), when it is. */
  staleReason?: string | null
  history?: UsageHistory | null
}

export interface WindowView {
  title: string
  percent: number | null
  percentText: string
  bar: string
  counters: string | null
  reset: string | null
  tools: string | null
  note: string | null
}

export interface ReportView {
  title: string
  region: string
  updated: string
  stale: string | null
  windows: WindowView[]
  peak: string
  peakActive: boolean
  model: string
  modelReason: string
  history: string[] | null
  /** This machine's record, when the report has one. */
  local: string[] | null
}

function zoneName(timeZone: string): string {
  return timeZone === BEIJING_TZ ? "Beijing time" : timeZone
}

/** "18:00 Beijing time (11:00 your time)"; the local part is left out when the zones agree. */
export function twoClocks(iso: string, peakTz: string, localTz: string, now: Date): string {
  const there = `${clockIn(iso, peakTz, now)} ${zoneName(peakTz)}`
  if (peakTz === localTz) return there
  const here = clockIn(iso, localTz, now)
  return `${there} (${here} your time)`
}

export function peakLine(peak: PeakState, peakTz: string, localTz: string, now: Date): string {
  if (peak.active) {
    const until = peak.endsAt === null ? "" : ` until ${twoClocks(peak.endsAt, peakTz, localTz, now)}`
    const costs: string[] = []
    if (peak.glm5Multiplier > 1) costs.push(`GLM-5-class models cost ${peak.glm5Multiplier}× quota`)
    if (peak.periods.includes("throttle")) costs.push("answers are slower and parallel requests may fail with 1302 concurrency errors")
    const what = costs.length === 0 ? "" : `: ${costs.join("; ")}`
    return `Peak hours (${peak.periods.join(", ")})${until}${what}.`
  }
  if (peak.nextStartsAt === null) return "Off-peak."
  return `Off-peak; the next peak starts ${twoClocks(peak.nextStartsAt, peakTz, localTz, now)}.`
}

function historyLines(h: UsageHistory): string[] {
  const lines: string[] = []
  if (h.hours.length === 0) return ["No model or tool usage in the last 24 hours."]
  const calls = h.totals.modelCalls === null ? "—" : groupDigits(h.totals.modelCalls)
  const tokens = h.totals.tokens === null ? "—" : groupDigits(h.totals.tokens)
  lines.push(`Last 24 h: ${calls} model calls, ${tokens} tokens`)
  if (h.modelCalls.length > 0) lines.push(`calls/hour  ${sparkline(h.modelCalls)}`)
  if (h.tokens.length > 0) lines.push(`tokens/hour ${sparkline(h.tokens)}`)
  for (const m of h.perModel) {
    const total = sumSeries(m.tokens)
    lines.push(`${m.model.padEnd(11)} ${sparkline(m.tokens)} ${total === null ? "—" : groupDigits(total)} tokens`)
  }
  const t = h.totals
  if (t.search !== null || t.webRead !== null || t.zread !== null) {
    lines.push(`MCP tools: search ${t.search ?? "—"} · web reader ${t.webRead ?? "—"} · zread ${t.zread ?? "—"}`)
  }
  return lines
}

const WINDOW_NAME = { five_hour: "5-hour", weekly: "weekly" } as const

function localLines(l: LocalReport, ctx: ViewContext): string[] {
  const s = l.summary
  const at = (iso: string) => `${clockIn(iso, ctx.localTimeZone, ctx.now)} (in ${countdown(Date.parse(iso) - ctx.now.getTime())})`
  const allowance = s.allowance.promptsPer5h === null ? "" : ` of ~${groupDigits(s.allowance.promptsPer5h)}`
  const perPrompt = s.callsPerPrompt === null ? "" : ` (${s.callsPerPrompt} per prompt)`
  const lines = [
    `This machine, last 5 h: ${groupDigits(s.prompts)} prompts${allowance}, ${groupDigits(s.calls)} model calls${perPrompt}, ${groupDigits(s.tokens.total)} tokens, ${groupDigits(s.mcpTotal)} MCP calls`,
  ]
  if (s.oldestPromptAgesOutAt !== null) lines.push(`Oldest prompt in the window ages out ${at(s.oldestPromptAgesOutAt)}`)
  const pts = l.runway.window === null ? null : s.burn.pointsPerHour[l.runway.window === "five_hour" ? "fiveHour" : "weekly"]
  const pace = [`${s.burn.promptsPerHour} prompts and ${s.burn.callsPerHour} calls in the last hour`]
  if (pts !== null && l.runway.window !== null) pace.push(`${WINDOW_NAME[l.runway.window]} window ${pts >= 0 ? "+" : ""}${pts} points/h`)
  lines.push(`Pace: ${pace.join("; ")}`)
  const r = l.runway
  if (r.window !== null) {
    const name = WINDOW_NAME[r.window]
    if (r.state === "runs_out") lines.push(`Runway: at this pace the ${name} window runs out ${at(r.exhaustsAt)}, ${countdown(r.beforeResetMs)} before it resets`)
    else if (r.state === "ok") lines.push(`Runway: at this pace the ${name} window lasts until it resets`)
    else if (r.state === "no_burn") lines.push(`Runway: no burn in the last hour`)
    else lines.push(`Runway: not enough readings in the last hour yet`)
  }
  if (s.sessions.length > 0) {
    lines.push(`Busiest sessions: ${s.sessions.slice(0, 3).map((x) => `${x.session.slice(0, 14)} ${groupDigits(x.calls)} calls`).join(" · ")}`)
  }
  return lines
}

export function viewReport(report: Report, ctx: ViewContext): ReportView {
  const peakTz = ctx.peakTimeZone ?? BEIJING_TZ
  const windows = report.windows.map((w): WindowView => {
    const reset = w.resetsAt === null
      ? null
      : `resets ${clockIn(w.resetsAt, ctx.localTimeZone, ctx.now)} (in ${countdown(Date.parse(w.resetsAt) - ctx.now.getTime())})`
    return {
      title: windowTitle(w),
      percent: w.usedPercent,
      percentText: percentText(w.usedPercent),
      bar: bar(w.usedPercent),
      counters: countersText(w),
      reset,
      tools: toolsText(w.tools),
      note: w.note ?? null,
    }
  })
  const age = ctx.now.getTime() - Date.parse(report.fetchedAt)
  const updated = Number.isFinite(age) && age >= 60_000 ? `updated ${countdown(age)} ago` : "updated just now"
  return {
    title: `GLM Coding Plan · ${planTitle(report.plan, ctx.planLabel ?? null)}`,
    region: report.region === "china" ? "BigModel (China)" : "Z.ai",
    updated,
    stale: report.stale ? `Stale: showing the last good reading (${updated.replace("updated ", "")}). ${ctx.staleReason ?? ""}`.trim() : null,
    windows,
    peak: peakLine(report.peak, peakTz, ctx.localTimeZone, ctx.now),
    peakActive: report.peak.active,
    model: report.recommendation.model === "glm-5" ? "GLM-5" : "GLM-4.7",
    modelReason: report.recommendation.reason,
    history: ctx.history === undefined || ctx.history === null ? null : historyLines(ctx.history),
    local: report.local === undefined || report.local === null ? null : localLines(report.local, ctx),
  }
}
