// The widget's "last turn" figure: its credits and share of the 5-hour window, as segments. Pure.
import type { ModelCatalog } from "../core/plans/model-catalog.ts"
import type { TurnEvent } from "../core/record/records.ts"
import { turnsReport, type TurnFigure } from "../core/record/turns.ts"
import { creditText } from "../core/render/turns-view.ts"
import type { Report } from "../core/report/report.ts"
import type { Segment } from "./segments.ts"

/** The figure of a recorded turn against the report's windows (the 5-hour limit, else the plan's allowance). */
export function lastTurnFigure(
  turn: TurnEvent | null,
  report: Report,
  catalog: ModelCatalog,
  now: Date,
): TurnFigure | null {
  if (turn === null) return null
  const phase = report.pricing?.phase ?? "offPeak"
  return turnsReport({ records: [turn], windows: report.windows, plan: report.plan, now, phase, catalog })?.last ?? null
}

/** Sidebar: "Last turn 18.2 cr · 0.2 % of 5h"; prompt (compact): " · turn 18.2 cr 0.2 %". "≈" marks an estimate. */
export function turnSegments(f: TurnFigure, compact: boolean): Segment[] {
  const credits = f.credits === null ? "? cr" : `${f.estimate ? "≈" : ""}${creditText(f.credits)} cr`
  const share = f.fiveHourShare === null ? null : `${f.fiveHourShare} %`
  if (compact) {
    const out: Segment[] = [
      { text: " · turn ", tone: "muted" },
      { text: credits, tone: "text" },
    ]
    if (share !== null) out.push({ text: ` ${share}`, tone: "muted" })
    return out
  }
  const out: Segment[] = [
    { text: "Last turn ", tone: "muted" },
    { text: credits, tone: "text" },
  ]
  if (share !== null) out.push({ text: ` · ${share} of 5h`, tone: "muted" })
  return out
}
