// The one-line forms of the widget: the richest that fits the room wins, and the binding window's use, its countdown
// and the peak flag are the last to go. Pure calls; the room comes from layout.ts, checked here against OpenCode's
// layout at 80, 100 and 180 columns.
import { describe, expect, it } from "vitest"
import { DEFAULT_PEAK_SCHEDULE } from "../../src/core/time/peak.ts"
import { buildReport } from "../../src/core/report/report.ts"
import type { QuotaWindow } from "../../src/core/types.ts"
import { fitLine, lineWidth } from "../../src/tui/fit-line.ts"
import { footerLeftWidth, homeRoom, sessionPromptRoom, sidebarShown } from "../../src/tui/layout.ts"
import { lineText, type WidgetContext, type WidgetData } from "../../src/tui/widget-lines.ts"

const PEAK = new Date("2026-11-30T07:30:00Z") // Monday 15:30 Beijing
const win = (kind: QuotaWindow["kind"], usedPercent: number, resetInMs: number): QuotaWindow => ({
  kind,
  meter: "credits",
  usedPercent,
  used: null,
  limit: null,
  remaining: null,
  resetsAt: new Date(PEAK.getTime() + resetInMs).toISOString(),
})
const data = (five: number, weekly: number): WidgetData => ({
  kind: "report",
  planLabel: null,
  report: buildReport(
    {
      plan: "pro",
      planLabel: null,
      region: "international",
      fetchedAt: PEAK.toISOString(),
      windows: [win("five_hour", five, 161 * 60_000), win("weekly", weekly, (3 * 24 + 9) * 3_600_000 + 17 * 60_000)],
    },
    { now: PEAK, stale: false, schedule: DEFAULT_PEAK_SCHEDULE },
  ),
})
const ctx: WidgetContext = {
  now: PEAK,
  localTimeZone: "UTC",
  sessionModel: "zai-coding-plan/glm-5.3",
  thresholds: [80, 95],
}
const fit = (room: number) => lineText(fitLine(data(22, 25), ctx, room))
const FOOTER = footerLeftWidth({ agent: "Build", model: "GLM-5.3", provider: "Z.AI Coding Plan" })

describe("fitLine", () => {
  it("with room, everything: plan, bars, both windows, the countdown, the peak's end, the advice", () => {
    expect(fit(200)).toBe("GLM Pro 5h █░░░░ 22 % · wk █░░░░ 25 % · ↻ 3d 9h · ⚑ peak until 10:00 · use glm-5.3-flash")
  })

  it("narrower: bars, plan, advice and the peak's end go first; the binding window, countdown and flag stay", () => {
    expect(fit(75)).toBe("GLM 5h 22 % · wk 25 % · ↻ 3d 9h · ⚑ peak until 10:00 · use glm-5.3-flash")
    expect(fit(40)).toBe("GLM 5h 22 % · wk 25 % · ↻ 3d 9h · ⚑ peak")
    expect(fit(32)).toBe("GLM wk 25 % · ↻ 3d 9h · ⚑ peak")
    expect(fit(23)).toBe("GLM wk 25 % · ↻3d9h · ⚑")
    expect(fit(10)).toBe("GLM wk 25 ")
  })

  it("the binding window is the one kept: a fuller five-hour window binds", () => {
    expect(lineText(fitLine(data(88, 25), ctx, 32))).toMatch(/^GLM 5h 88 % · ↻ 2h 41m · ⚑ peak$/)
  })

  it("never wider than its room, at every width from 0 to 120", () => {
    for (let room = 0; room <= 120; room++)
      expect(lineWidth(fitLine(data(22, 25), ctx, room))).toBeLessThanOrEqual(room)
    expect(lineWidth(fitLine({ kind: "no_key" }, ctx, 12))).toBeLessThanOrEqual(12)
  })
})

describe("where it goes, at 80, 100 and 180 columns", () => {
  it("the home screen's line has the screen less its padding: the whole line at 100 columns", () => {
    expect(homeRoom(100)).toBe(96)
    expect(fit(homeRoom(100))).toContain("GLM Pro 5h █░░░░ 22 %")
    expect(fit(homeRoom(80))).toContain("⚑ peak")
  })

  it("the sidebar shows above 120 columns (auto), never for a subagent, never when hidden", () => {
    expect(sidebarShown(180, "auto", false)).toBe(true)
    expect(sidebarShown(100, "auto", false)).toBe(false)
    expect(sidebarShown(121, undefined, false)).toBe(true)
    expect(sidebarShown(180, "hide", false)).toBe(false)
    expect(sidebarShown(180, "auto", true)).toBe(false)
  })

  it("at the prompt, the line leaves OpenCode's footer whole: the footer plus the line fit the prompt", () => {
    expect(FOOTER).toBe("Build · GLM-5.3 Z.AI Coding Plan".length)
    for (const width of [80, 100]) {
      const room = sessionPromptRoom(width, false, FOOTER)
      const inner = width - 4 - 3
      expect(FOOTER + 1 + lineWidth(fitLine(data(22, 25), ctx, room))).toBeLessThan(inner)
    }
    expect(fit(sessionPromptRoom(100, false, FOOTER))).toBe("GLM 5h 22 % · wk 25 % · ↻ 3d 9h · ⚑ peak until 10:00")
    expect(fit(sessionPromptRoom(80, false, FOOTER))).toBe("GLM wk 25 % · ↻ 3d 9h · ⚑ peak")
  })
})
