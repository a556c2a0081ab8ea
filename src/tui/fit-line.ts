// The quota in one line that fits a given number of columns: under the home screen's prompt (the whole width) and at
// the right of a session's prompt (what OpenCode's own footer leaves). The richest form that fits wins; the forms
// drop, in order, the bars, the plan, the model advice, the peak's end and the window that does not bind — the
// binding window's use, its countdown and the peak flag go last. Pure: the width comes in.
import { bar, percentText } from "../core/text/format.ts"
import { displayWidth } from "../core/text/width.ts"
import { countdown } from "../core/text/format.ts"
import { planTitle } from "../core/text/vocabulary.ts"
import {
  lineText,
  modelAdvice,
  peakEnd,
  problemLine,
  resetWindow,
  seg,
  SHORT,
  toneFor,
  window,
  type WidgetContext,
  type WidgetData,
} from "./widget-lines.ts"
import type { Report } from "../core/report/report.ts"
import type { Line } from "./segments.ts"

const BAR = 5

interface Form {
  plan: boolean
  bars: boolean
  advice: boolean
  peakEnd: boolean
  bothWindows: boolean
  /** "↻3d9h" instead of "↻ 3d 9h", "⚑" instead of "⚑ peak". */
  tight: boolean
}

const FORMS: readonly Form[] = [
  { plan: true, bars: true, advice: true, peakEnd: true, bothWindows: true, tight: false },
  { plan: true, bars: false, advice: true, peakEnd: true, bothWindows: true, tight: false },
  { plan: false, bars: false, advice: true, peakEnd: true, bothWindows: true, tight: false },
  { plan: false, bars: false, advice: false, peakEnd: true, bothWindows: true, tight: false },
  { plan: false, bars: false, advice: false, peakEnd: false, bothWindows: true, tight: false },
  { plan: false, bars: false, advice: false, peakEnd: false, bothWindows: false, tight: false },
  { plan: false, bars: false, advice: false, peakEnd: false, bothWindows: false, tight: true },
]

function build(report: Report, planLabel: string | null, ctx: WidgetContext, f: Form): Line {
  const line: Line = [seg("GLM", "text", true)]
  if (f.plan) line.push(seg(` ${planTitle(report.plan, planLabel)}`, "text", true))
  const sep = () => seg(" · ", "muted")
  const binding = report.binding ?? "five_hour"
  let first = true
  for (const kind of ["five_hour", "weekly"] as const) {
    const w = window(report, kind)
    if (w === undefined || (!f.bothWindows && kind !== binding && window(report, binding) !== undefined)) continue
    const tone = toneFor(w.usedPercent, ctx.thresholds)
    line.push(first ? seg(" ") : sep(), seg(`${SHORT[kind]} `, "muted"))
    if (f.bars) line.push(seg(`${bar(w.usedPercent, BAR)} `, tone))
    line.push(seg(percentText(w.usedPercent), tone))
    first = false
  }
  const r = resetWindow(report)
  if (r !== undefined && r.resetsAt !== null) {
    const left = countdown(Date.parse(r.resetsAt) - ctx.now.getTime())
    line.push(sep(), seg(f.tight ? "↻" : "↻ ", "muted"), seg(f.tight ? left.replace(/ /g, "") : left))
  }
  if (report.peak.active) {
    line.push(sep(), seg(f.tight ? "⚑" : "⚑ peak", "warn", true))
    if (f.peakEnd && report.peak.endsAt !== null)
      line.push(seg(` until ${peakEnd(report.peak.endsAt, ctx).local}`, "muted"))
  }
  const advice = f.advice ? modelAdvice(report, ctx.sessionModel) : null
  if (advice !== null) line.push(sep(), seg("use ", "muted"), seg(advice, "accent", true))
  if (report.stale) line.push(seg(f.tight ? " ·stale" : " · stale", "warn"))
  return line
}

/** Cuts a line to `width` columns (the last resort: even the tightest form is wider). */
function cut(line: Line, width: number): Line {
  const out: Line = []
  let used = 0
  for (const s of line) {
    const w = displayWidth(s.text)
    if (used + w <= width) {
      out.push(s)
      used += w
      continue
    }
    const chars = [...s.text]
    let text = ""
    for (const c of chars) {
      if (used + displayWidth(text + c) > width) break
      text += c
    }
    if (text !== "") out.push({ ...s, text })
    break
  }
  return out
}

export const lineWidth = (line: Line): number => displayWidth(lineText(line))

/** The richest one-line form of the quota that fits `width` columns (a problem is its own short line, cut to fit). */
export function fitLine(data: WidgetData, ctx: WidgetContext, width: number): Line {
  const w = Math.max(0, Math.floor(width))
  if (data.kind !== "report") return cut(problemLine(data), w)
  let last: Line = []
  for (const f of FORMS) {
    last = build(data.report, data.planLabel, ctx, f)
    if (lineWidth(last) <= w) return last
  }
  return cut(last, w)
}
