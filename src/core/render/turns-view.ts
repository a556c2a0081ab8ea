// The turn figures of a report as neutral lines (the Markdown, terminal and dialog renderers share them). Pure.
import { clockIn, countdown, groupDigits } from "../text/format.ts"
import type { TurnFigure, TurnsReport } from "../record/turns.ts"
import { zoneLabel } from "../text/vocabulary.ts"
import type { Report } from "../report/report.ts"

export interface TurnsViewContext {
  now: Date
  localTimeZone: string
  peakTimeZone: string
}

/** "42.3" under 100 credits, "1,234" from 100 on. */
export function creditText(n: number): string {
  return n < 100 ? String(Math.round(n * 10) / 10) : groupDigits(Math.round(n))
}

const plural = (n: number, one: string, many = `${one}s`) => `${groupDigits(n)} ${n === 1 ? one : many}`

/** "Last turn: 42.3 credits (0.4 % of the 5-hour window) · glm-5.3, 3 model calls · counter +45 (estimate: …)". */
function lastTurnLine(l: TurnFigure): string {
  const how =
    l.basis === "learned"
      ? " (estimate: learned multipliers)"
      : l.basis === "counter"
        ? ` (the counter's change${l.estimate ? ", shared with other sessions: an estimate" : ""})`
        : ""
  const credits =
    l.credits === null ? "credits unknown (multipliers not published)" : `${creditText(l.credits)} credits`
  const share = l.fiveHourShare === null ? "" : ` (${l.fiveHourShare} % of the 5-hour window)`
  const parts = [`Last turn: ${credits}${how}${share}`, `${l.model || "no model"}, ${plural(l.calls, "model call")}`]
  if (
    l.counterDelta !== null &&
    l.basis !== "counter" &&
    (l.credits === null || Math.abs(l.counterDelta - l.credits) >= 1)
  )
    parts.push(
      `the credit counter moved ${creditText(l.counterDelta)}${l.estimate ? " (estimate: other sessions were active)" : ""}`,
    )
  return parts.join(" · ")
}

/** The lines of the turn figures: what binds first, then the last turn, the day's turns, what is left, the pace. */
export function turnLines(report: Report, t: TurnsReport, ctx: TurnsViewContext): string[] {
  const lines: string[] = []
  if (t.weekBinds && t.weeklyLeft !== null && t.fiveHourLeft !== null)
    lines.push(
      `The week binds: ${creditText(t.weeklyLeft)} credits left this week, less than the ${creditText(t.fiveHourLeft)} left in this 5-hour window.`,
    )
  if (t.last !== null) {
    lines.push(lastTurnLine(t.last))
    if (report.peak.active && t.last.offPeakCredits !== null) {
      const end =
        report.peak.endsAt === null
          ? "off-peak"
          : `after ${clockIn(report.peak.endsAt, ctx.peakTimeZone, ctx.now)} ${zoneLabel(ctx.peakTimeZone)}`
      lines.push(`The same turn ${end}: ≈ ${creditText(t.last.offPeakCredits)} credits.`)
    }
  }
  if (t.recent.turns > 0)
    lines.push(
      `Turns in the last 24 h: ${t.recent.turns}, median ${creditText(t.recent.median ?? 0)} credits, largest ${creditText(t.recent.largest ?? 0)}`,
    )
  const where = report.windows.some((w) => w.kind === "five_hour") || t.seat !== null ? "5-hour window" : "week"
  if (t.turnsLeft !== null) lines.push(`≈ ${plural(t.turnsLeft, "turn")} of that size left in this ${where} (estimate)`)
  if (t.windowsLeft !== null) lines.push(`≈ ${plural(t.windowsLeft, "full 5-hour window")} left this week`)
  if (t.pace !== null) {
    const p = t.pace
    const state = p.state === "ahead" ? "ahead of pace" : p.state === "under" ? "under pace" : "on pace"
    const reset = `resets ${clockIn(p.resetsAt, ctx.localTimeZone, ctx.now)}, in ${countdown(Date.parse(p.resetsAt) - ctx.now.getTime())}`
    lines.push(`Week pace: ${p.usedPercent} % used with ${p.elapsedPercent} % of the week gone (${reset}): ${state}`)
  }
  if (t.seat !== null) {
    const s = t.seat
    const name = s.seat === "premium" ? "Premium" : "Standard"
    lines.push(
      `${name} seat, this machine's turns (estimate): ${creditText(s.fiveHourUsed)} of ${groupDigits(s.allowance.fiveHour)} credits in the last 5 h, ${creditText(s.weeklyUsed)} of ${groupDigits(s.allowance.weekly)} in the last 7 days`,
    )
  }
  for (const l of t.learned)
    lines.push(
      `${l.model} multipliers learned from ${plural(l.turns, "clean turn")}: ${l.rates.input} / ${l.rates.cached} / ${l.rates.output} (estimate)`,
    )
  for (const m of t.unknownModels)
    lines.push(`${m}: multipliers not published yet; learned from turns with a clean counter change`)
  return lines
}
