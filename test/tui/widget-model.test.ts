// The widget's data logic: report + now + session model → coloured lines. Pure, so every case is a plain call.
import { describe, expect, it } from "vitest"
import { DEFAULT_PEAK_SCHEDULE } from "../../src/core/time/peak.ts"
import { buildReport } from "../../src/core/report/report.ts"
import type { QuotaSnapshot, QuotaWindow } from "../../src/core/types.ts"
import {
  lineText,
  modelAdvice,
  problemLine,
  promptLine,
  SIDEBAR_WIDTH,
  sidebarLines,
  toneFor,
  type WidgetContext,
  type WidgetData,
} from "../../src/tui/widget-lines.ts"

const WEEKDAY_PEAK = new Date("2026-03-02T07:30:00Z") // Monday 15:30 Beijing
const SATURDAY = new Date("2026-03-07T07:30:00Z")

const win = (
  kind: QuotaWindow["kind"],
  usedPercent: number | null,
  resetInMs: number | null,
  now: Date,
): QuotaWindow => ({
  kind,
  meter: kind === "mcp_monthly" ? "calls" : "tokens",
  usedPercent,
  used: null,
  limit: null,
  remaining: null,
  resetsAt: resetInMs === null ? null : new Date(now.getTime() + resetInMs).toISOString(),
})

function data(
  now: Date,
  five: number | null,
  weekly: number | null,
  opts: { plan?: QuotaSnapshot["plan"]; stale?: boolean; noWeekly?: boolean } = {},
): WidgetData {
  const windows = [win("five_hour", five, (2 * 60 + 41) * 60_000, now)]
  if (!opts.noWeekly) windows.push(win("weekly", weekly, (3 * 24 + 9) * 3_600_000 + 17 * 60_000, now))
  windows.push(win("mcp_monthly", 15, 18 * 86_400_000, now))
  const snapshot: QuotaSnapshot = {
    plan: opts.plan === undefined ? "pro" : opts.plan,
    planLabel: null,
    region: "international",
    fetchedAt: now.toISOString(),
    windows,
  }
  return {
    kind: "report",
    report: buildReport(snapshot, { now, stale: opts.stale ?? false, schedule: DEFAULT_PEAK_SCHEDULE }),
    planLabel: null,
  }
}

const ctx = (
  now: Date,
  sessionModel: string | null = "zai-coding-plan/glm-5",
  localTimeZone = "UTC",
): WidgetContext => ({
  now,
  localTimeZone,
  sessionModel,
  thresholds: [80, 95],
})

const texts = (lines: ReturnType<typeof sidebarLines>) => lines.map(lineText)

describe("sidebarLines", () => {
  it("off-peak: plan, two bars with percentages, the binding window's countdown; no peak, no advice on GLM-5", () => {
    const lines = sidebarLines(data(SATURDAY, 37, 41), ctx(SATURDAY))
    expect(texts(lines)).toEqual([
      "GLM Coding Plan · Pro",
      "5-hour ████░░░░░░  37 %",
      "Weekly ████░░░░░░  41 %",
      "Weekly resets in 3d 9h (Tue 16:47)",
    ])
    for (const l of lines) expect(lineText(l).length).toBeLessThanOrEqual(SIDEBAR_WIDTH)
  })

  it("the five-hour window binds when it is fuller, and its reset is counted down", () => {
    const t = texts(sidebarLines(data(SATURDAY, 88, 41), ctx(SATURDAY)))
    expect(t).toContain("5-hour resets in 2h 41m (10:11)")
  })

  it("peak: a marker with its end in local time (and Beijing time beside it), glm-4.7 suggested over glm-5", () => {
    const lines = sidebarLines(data(WEEKDAY_PEAK, 22, 25), ctx(WEEKDAY_PEAK))
    const t = texts(lines)
    expect(t).toContain("⚑ Peak until 10:00 (18:00 Beijing)")
    expect(t).toContain("Use glm-4.7 · not glm-5")
    const marker = lines.find((l) => lineText(l).startsWith("⚑"))!
    expect(marker[0]).toMatchObject({ tone: "warn", bold: true })
    for (const l of lines) expect(lineText(l).length).toBeLessThanOrEqual(SIDEBAR_WIDTH)
  })

  it("in Beijing the peak's end is said once", () => {
    expect(texts(sidebarLines(data(WEEKDAY_PEAK, 22, 25), ctx(WEEKDAY_PEAK, null, "Asia/Shanghai")))).toContain(
      "⚑ Peak until 18:00",
    )
  })

  it("bars and percentages take the threshold's colour", () => {
    const lines = sidebarLines(data(SATURDAY, 96, 81), { ...ctx(SATURDAY), thresholds: [80, 95] })
    const five = lines[1]!
    const weekly = lines[2]!
    expect(five.map((s) => s.tone)).toEqual(["muted", "danger", "danger"])
    expect(weekly.map((s) => s.tone)).toEqual(["muted", "warn", "warn"])
    const calm = sidebarLines(data(SATURDAY, 10, 20), ctx(SATURDAY))
    expect(calm[1]![1]!.tone).toBe("ok")
  })

  it("stale data says so in the title", () => {
    const title = sidebarLines(data(SATURDAY, 37, 41, { stale: true }), ctx(SATURDAY))[0]!
    expect(lineText(title)).toBe("GLM Coding Plan · Pro · stale")
    expect(title[1]!.tone).toBe("warn")
  })

  it("a plan with only a five-hour window (January era) shows that one; an unknown plan is named by its label", () => {
    const d = data(SATURDAY, 37, null, { noWeekly: true, plan: null })
    if (d.kind !== "report") throw new Error("report expected")
    const t = texts(sidebarLines({ ...d, planLabel: "GLM Coding Max" }, ctx(SATURDAY)))
    expect(t[0]).toBe("GLM Coding Plan · GLM Coding Max")
    expect(t.filter((l) => l.startsWith("Weekly ░") || l.startsWith("Weekly █"))).toEqual([])
    expect(t).toContain("5-hour resets in 2h 41m (10:11)")
  })

  it("a percentage the API did not send is a dotted bar and a dash", () => {
    const t = texts(sidebarLines(data(SATURDAY, null, 41), ctx(SATURDAY)))
    expect(t).toContain("5-hour ··········     —")
  })

  it("no key: exactly one line that says how to add one — no title, no box of blanks", () => {
    const lines = sidebarLines({ kind: "no_key" }, ctx(SATURDAY))
    expect(lines).toHaveLength(1)
    expect(lineText(lines[0]!)).toBe("No GLM key · /connect or ZAI_API_KEY")
    expect(lineText(lines[0]!).length).toBeLessThanOrEqual(SIDEBAR_WIDTH)
  })

  it("failures are one short line; the dialog tells the whole sentence", () => {
    const one = (kind: Parameters<typeof problemLine>[0]) => sidebarLines(kind, ctx(SATURDAY)).map(lineText)
    expect(one({ kind: "loading" })).toEqual(["GLM quota: reading…"])
    expect(one({ kind: "failed", error: { kind: "auth", message: "rejected" } })).toEqual([
      "GLM key rejected · see /glm-quota",
    ])
    expect(one({ kind: "failed", error: { kind: "network", message: "down" } })).toEqual([
      "GLM quota: API unreachable · retrying",
    ])
    expect(one({ kind: "failed", error: { kind: "rate_limited", message: "slow down" } })).toEqual([
      "GLM quota: throttled · retrying",
    ])
    expect(one({ kind: "failed", error: { kind: "bad_response", message: "?" } })).toEqual([
      "GLM quota unavailable · see /glm-quota",
    ])
    expect(one({ kind: "failed", error: { kind: "no_key", message: "no key" } })).toEqual([
      "No GLM key · /connect or ZAI_API_KEY",
    ])
  })
})

describe("promptLine", () => {
  it("one line: both windows with small bars, the countdown, peak, advice", () => {
    expect(lineText(promptLine(data(WEEKDAY_PEAK, 22, 25), ctx(WEEKDAY_PEAK)))).toBe(
      "GLM 5h █░░░░ 22 % · wk █░░░░ 25 % · ↻ 3d 9h · ⚑ peak → 10:00 · use glm-4.7",
    )
    expect(lineText(promptLine(data(SATURDAY, 37, 41, { stale: true }), ctx(SATURDAY)))).toBe(
      "GLM 5h ██░░░ 37 % · wk ██░░░ 41 % · ↻ 3d 9h · stale",
    )
  })

  it("without a key, the same one line as the sidebar", () => {
    expect(lineText(promptLine({ kind: "no_key" }, ctx(SATURDAY)))).toBe("No GLM key · /connect or ZAI_API_KEY")
  })
})

describe("modelAdvice", () => {
  const peak = data(WEEKDAY_PEAK, 22, 25)
  const calm = data(SATURDAY, 22, 25)
  if (peak.kind !== "report" || calm.kind !== "report") throw new Error("report expected")

  it("suggests the recommended model only when the session runs another GLM model", () => {
    // March 2026 (the catalog for the date): light is glm-4.7, heavy glm-5; the advice names the id, by class.
    expect(modelAdvice(peak.report, "zai-coding-plan/glm-5")).toBe("glm-4.7")
    expect(modelAdvice(peak.report, "zai-coding-plan/glm-5.1")).toBe("glm-4.7")
    expect(modelAdvice(peak.report, "zai-coding-plan/glm-4.7")).toBeNull()
    expect(modelAdvice(peak.report, "zai-coding-plan/glm-5.3-flash")).toBeNull()
    expect(modelAdvice(calm.report, "zai-coding-plan/glm-4.7")).toBe("glm-5")
    expect(modelAdvice(calm.report, "glm-5")).toBeNull()
    expect(modelAdvice(calm.report, "glm-5.3")).toBeNull()
  })

  it("says nothing for a session on another provider's model; the recommendation when the model is unknown", () => {
    expect(modelAdvice(peak.report, "anthropic/claude-sonnet-4")).toBeNull()
    expect(modelAdvice(peak.report, null)).toBe("glm-4.7")
  })
})

describe("toneFor", () => {
  it("ok below the first threshold, warn from it, danger from the highest (or 100 with one threshold)", () => {
    expect(toneFor(null, [80, 95])).toBe("muted")
    expect(toneFor(79, [80, 95])).toBe("ok")
    expect(toneFor(80, [80, 95])).toBe("warn")
    expect(toneFor(95, [95, 80])).toBe("danger")
    expect(toneFor(99, [90])).toBe("warn")
    expect(toneFor(100, [90])).toBe("danger")
  })
})
