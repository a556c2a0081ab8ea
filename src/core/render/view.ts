// A report as neutral lines of text, shared by the Markdown and terminal renderers. Pure.
import {
  bar,
  clockIn,
  countdown,
  countersText,
  groupDigits,
  percentText,
  toolsText,
  windowTitle,
} from "../text/format.ts"
import type { QuotaWindow, UsageHistory, Pricing } from "../types.ts"
import { costPhrase, PEAK_TZ, planTitle, windowName, zoneLabel } from "../text/vocabulary.ts"
import { sparkline, sumSeries } from "../report/usage.ts"
import { turnLines } from "./turns-view.ts"
import type { PeakState } from "../time/peak.ts"
import type { LocalReport, Report } from "../report/report.ts"

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
  /** A reset card that would help now, in a sentence; null when none would. */
  resetCard: string | null
  /** Why the API showed no windows (a fresh account, a team member's key), in a sentence; else null. */
  account: string | null
  /** What turns cost and the week's pace (core/turns-view.ts); null when the report has no turn figures to show. */
  turns: string[] | null
}

/** "A five-hour reset card is available (1, expires Dec 11 18:00): …" — only when the report suggests one. */
function resetCardLine(report: Report, ctx: ViewContext): string | null {
  const cards = report.resetCards
  if (cards === undefined || cards === null || cards.suggested === null) return null
  const useWeek = cards.suggested === "weekly" || cards.fiveHour.available === 0
  const c = useWeek ? cards.weekly : cards.fiveHour
  const what = useWeek ? "week reset card" : "five-hour reset card"
  const expires =
    c.nextExpiresAt === null ? "" : `, the next expires ${clockIn(c.nextExpiresAt, ctx.localTimeZone, ctx.now)}`
  const resets = useWeek ? "the weekly and the 5-hour window" : "the 5-hour window"
  const console = report.region === "china" ? "BigModel" : "Z.ai"
  return `Reset card: you have ${c.available} ${what}${c.available === 1 ? "" : "s"}${expires}; using one in the ${console} console resets ${resets} now.`
}

/** "18:00 Beijing time (11:00 your time)"; the local part is left out when the zones agree. */
/** Both clocks of a moment, for toasts: the peak schedule's zone and the user's (asked when needed), at `now()`. */
export function clocksFor(
  peakTimeZone: string,
  localTimeZone: () => string,
  now: () => Date,
): { twoClocks: (iso: string) => string } {
  return { twoClocks: (iso) => twoClocks(iso, peakTimeZone, localTimeZone(), now()) }
}

export function twoClocks(iso: string, peakTz: string, localTz: string, now: Date): string {
  const there = `${clockIn(iso, peakTz, now)} ${zoneLabel(peakTz)}`
  if (peakTz === localTz) return there
  const here = clockIn(iso, localTz, now)
  return `${there} (${here} your time)`
}

/** What the peak costs in a sentence's clause: the plan's multiplier now, or the schedule's when the report has none. */
export function peakCost(peak: PeakState, pricing: Pricing | undefined): string | null {
  if (pricing !== undefined)
    return pricing.phase === "peak" || pricing["glm-5"].offPeak !== 1 ? costPhrase(pricing) : null
  return peak.active && peak.glm5Multiplier > 1 ? `GLM-5-class models cost ${peak.glm5Multiplier}× quota` : null
}

export function peakLine(peak: PeakState, peakTz: string, localTz: string, now: Date, pricing?: Pricing): string {
  const cost = peakCost(peak, pricing)
  if (peak.active) {
    const until = peak.endsAt === null ? "" : ` until ${twoClocks(peak.endsAt, peakTz, localTz, now)}`
    const costs: string[] = []
    if (cost !== null && (pricing === undefined || pricing.phase === "peak")) costs.push(cost)
    if (peak.periods.includes("throttle"))
      costs.push("answers are slower and parallel requests may fail with 1302 concurrency errors")
    const what = costs.length === 0 ? "" : `: ${costs.join("; ")}`
    return `Peak hours (${peak.periods.join(", ")})${until}${what}.`
  }
  const offPeak = cost === null ? "Off-peak" : `Off-peak: ${cost}`
  if (peak.nextStartsAt === null) return `${offPeak}.`
  return `${offPeak}; the next peak starts ${twoClocks(peak.nextStartsAt, peakTz, localTz, now)}.`
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

function localLines(l: LocalReport, ctx: ViewContext): string[] {
  const s = l.summary
  const at = (iso: string) => {
    const left = Date.parse(iso) - ctx.now.getTime()
    return `${clockIn(iso, ctx.localTimeZone, ctx.now)} (${left <= 0 ? "now" : `in ${countdown(left)}`})`
  }
  const allowance = s.allowance.promptsPer5h === null ? "" : ` of ~${groupDigits(s.allowance.promptsPer5h)}`
  const perPrompt = s.callsPerPrompt === null ? "" : ` (${s.callsPerPrompt} per prompt)`
  const lines = [
    `This machine, last 5 h: ${groupDigits(s.prompts)} prompts${allowance}, ${groupDigits(s.calls)} model calls${perPrompt}, ${groupDigits(s.tokens.total)} tokens, ${groupDigits(s.mcpTotal)} MCP calls`,
  ]
  if (s.oldestPromptAgesOutAt !== null)
    lines.push(`Oldest prompt in the window ages out ${at(s.oldestPromptAgesOutAt)}`)
  const pts =
    l.runway.window === null ? null : s.burn.pointsPerHour[l.runway.window === "five_hour" ? "fiveHour" : "weekly"]
  const pace = [`${s.burn.promptsPerHour} prompts and ${s.burn.callsPerHour} calls in the last hour`]
  if (pts !== null && l.runway.window !== null)
    pace.push(`${windowName(l.runway.window, "window")} ${pts >= 0 ? "+" : ""}${pts} points/h`)
  lines.push(`Pace: ${pace.join("; ")}`)
  const r = l.runway
  if (r.window !== null) {
    const name = windowName(r.window, "lower")
    if (r.state === "runs_out")
      lines.push(
        `Runway: at this pace the ${name} window runs out ${at(r.exhaustsAt)}, ${countdown(r.beforeResetMs)} before it resets`,
      )
    else if (r.state === "ok") lines.push(`Runway: at this pace the ${name} window lasts until it resets`)
    else if (r.state === "no_burn") lines.push(`Runway: no burn in the last hour`)
    else lines.push(`Runway: not enough readings in the last hour yet`)
  }
  if (s.sessions.length > 0) {
    lines.push(
      `Busiest sessions: ${s.sessions
        .slice(0, 3)
        .map((x) => `${x.session.slice(0, 14)} ${groupDigits(x.calls)} calls`)
        .join(" · ")}`,
    )
  }
  return lines
}

/** "resets 05:11 (in 2h 41m)"; an idle 5-hour window without a reset has not started (none is invented). */
function resetText(w: QuotaWindow, ctx: ViewContext): string | null {
  if (w.resetsAt === null)
    return w.kind === "five_hour" && (w.usedPercent ?? 0) === 0 ? "not started (starts with your next request)" : null
  const left = Date.parse(w.resetsAt) - ctx.now.getTime()
  const at = clockIn(w.resetsAt, ctx.localTimeZone, ctx.now)
  // A reset already passed (the reading predates it): said as such, never "(in now)".
  return left <= 0 ? `reset due ${at}, awaiting a fresh reading` : `resets ${at} (in ${countdown(left)})`
}

/** The MCP row of a plan that does not report one (credit plans): shown as such, never as 0 %. */
const MCP_NOT_REPORTED: WindowView = {
  title: "MCP tools (month)",
  percent: null,
  percentText: "—",
  bar: bar(null),
  counters: "not reported by this plan",
  reset: null,
  tools: null,
  note: null,
}

/** Rows of kinds this version does not know shown one by one; beyond, one line counts the rest (`--json` has all). */
export const MAX_UNKNOWN_ROWS = 12

/** Cuts `views` (one per window, in order) to the first MAX_UNKNOWN_ROWS unknown rows and a line counting the rest. */
function summariseUnknown(windows: readonly QuotaWindow[], views: WindowView[]): void {
  let seen = 0
  let hidden = 0
  for (let i = 0; i < windows.length; i++) if (windows[i]!.kind === "other" && ++seen > MAX_UNKNOWN_ROWS) hidden++
  if (hidden === 0) return
  seen = 0
  const kept = views.filter((_, i) => windows[i]!.kind !== "other" || ++seen <= MAX_UNKNOWN_ROWS)
  kept.push({
    title: `${groupDigits(hidden)} more rows`,
    percent: null,
    percentText: "—",
    bar: bar(null),
    counters: "of kinds this version does not know, not shown (glm-quota --json lists them)",
    reset: null,
    tools: null,
    note: null,
  })
  views.splice(0, views.length, ...kept)
}

export function viewReport(report: Report, ctx: ViewContext): ReportView {
  const peakTz = ctx.peakTimeZone ?? PEAK_TZ
  const windows = report.windows.map((w): WindowView => {
    const reset = resetText(w, ctx)
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
  summariseUnknown(report.windows, windows)
  const quotaShown = report.windows.some((w) => w.kind === "five_hour" || w.kind === "weekly")
  if (quotaShown && !report.windows.some((w) => w.kind === "mcp_monthly")) {
    const at = report.windows.findIndex((w) => w.kind === "other")
    windows.splice(at < 0 ? windows.length : at, 0, MCP_NOT_REPORTED)
  }
  const age = ctx.now.getTime() - Date.parse(report.fetchedAt)
  const updated = Number.isFinite(age) && age >= 60_000 ? `updated ${countdown(age)} ago` : "updated just now"
  return {
    title: `GLM Coding Plan · ${planTitle(report.plan, ctx.planLabel ?? null)}`,
    region: report.region === "china" ? "BigModel (China)" : "Z.ai",
    updated,
    stale: report.stale
      ? `Stale: showing the last good reading (${updated.replace("updated ", "")}). ${ctx.staleReason ?? ""}`.trim()
      : null,
    windows,
    peak: peakLine(report.peak, peakTz, ctx.localTimeZone, ctx.now, report.pricing),
    peakActive: report.peak.active,
    model: report.recommendation.model,
    modelReason: report.recommendation.reason,
    history: ctx.history === undefined || ctx.history === null ? null : historyLines(ctx.history),
    local: report.local === undefined || report.local === null ? null : localLines(report.local, ctx),
    resetCard: resetCardLine(report, ctx),
    account: report.account?.message ?? null,
    turns: turnsView(report, ctx, peakTz),
  }
}

/** The turn lines when there are turns, or with `--full` (the pace alone); else null. */
function turnsView(report: Report, ctx: ViewContext, peakTimeZone: string): string[] | null {
  const t = report.turns
  if (t === undefined || t === null) return null
  if (t.last === null && t.seat === null && (ctx.history === undefined || ctx.history === null)) return null
  const lines = turnLines(report, t, { now: ctx.now, localTimeZone: ctx.localTimeZone, peakTimeZone })
  return lines.length === 0 ? null : lines
}
