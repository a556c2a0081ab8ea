// The widget's last-turn line: credits and share of the 5-hour window in the sidebar and the prompt line.
import { describe, expect, it } from "vitest"
import { MODEL_CATALOG } from "../../src/core/plans/model-catalog.ts"
import type { TurnEvent } from "../../src/core/record/records.ts"
import { buildReport } from "../../src/core/report/report.ts"
import type { QuotaSnapshot } from "../../src/core/types.ts"
import { lastTurnFigure } from "../../src/tui/turn-line.ts"
import { lineText, promptLine, sidebarLines } from "../../src/tui/widget-lines.ts"

const NOW = new Date("2026-12-01T07:30:00Z")
const SNAP: QuotaSnapshot = {
  plan: "pro",
  planLabel: "pro",
  region: "international",
  fetchedAt: NOW.toISOString(),
  windows: [
    {
      kind: "five_hour",
      meter: "credits",
      usedPercent: 25,
      used: 3000,
      limit: 12000,
      remaining: 9000,
      resetsAt: "2026-12-01T09:00:00.000Z",
    },
  ],
}
const TURN: TurnEvent = {
  t: NOW.getTime(),
  kind: "turn",
  id: "s:1",
  session: "s",
  model: "glm-5.3",
  single: true,
  startedAt: NOW.getTime() - 60_000,
  phase: "peak",
  calls: 1,
  input: 12_000,
  cacheRead: 30_000,
  output: 2_000,
  mcp: 0,
  credits: 18.18,
  delta: null,
  shared: false,
}

describe("last turn in the widget", () => {
  const report = buildReport(SNAP, { now: NOW })
  const ctx = { now: NOW, localTimeZone: "UTC", sessionModel: "glm-5.3", thresholds: [80, 95] }
  const data = { kind: "report" as const, report, planLabel: "pro" }

  it("sidebar: credits and share of the 5-hour window (18.18 of 12,000 = 0.2 %)", () => {
    const lastTurn = lastTurnFigure(TURN, report, MODEL_CATALOG, NOW)
    expect(sidebarLines(data, { ...ctx, lastTurn }).map(lineText)).toContain("Last turn 18.2 cr · 0.2 % of 5h")
    expect(lineText(promptLine(data, { ...ctx, lastTurn }))).toContain(" · turn 18.2 cr 0.2 %")
  })

  it("a shared counter change is marked as an estimate; no turn, no line", () => {
    const lastTurn = lastTurnFigure(
      { ...TURN, credits: null, model: "glm-5.4", delta: 40, shared: true },
      report,
      MODEL_CATALOG,
      NOW,
    )
    expect(sidebarLines(data, { ...ctx, lastTurn }).map(lineText)).toContain("Last turn ≈40 cr · 0.3 % of 5h")
    expect(sidebarLines(data, ctx).map(lineText).join("\n")).not.toContain("Last turn")
  })
})
