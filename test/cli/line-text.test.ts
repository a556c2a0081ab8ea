// The status line's text, from reports built by the core: its fields, its marks, its colours, and that whatever the
// API sent it stays one short line.
import { describe, expect, it } from "vitest"
import { countdown } from "../../src/core/text/format.ts"
import { buildReport } from "../../src/core/report/report.ts"
import type { QuotaSnapshot, QuotaWindow } from "../../src/core/types.ts"
import { shortCountdown, statusLine } from "../../src/cli/line-text.ts"

// Monday 15:30 Beijing (a peak) and Saturday 12:00 Beijing (off-peak).
const PEAK = new Date("2026-03-02T07:30:00Z")
const OFF = new Date("2026-03-07T04:00:00Z")
const H = 3_600_000

const win = (kind: "five_hour" | "weekly", usedPercent: number | null, resetsInMs: number | null): QuotaWindow => ({
  kind,
  meter: "tokens",
  usedPercent,
  used: null,
  limit: null,
  remaining: null,
  resetsAt: resetsInMs === null ? null : new Date(PEAK.getTime() + resetsInMs).toISOString(),
})

const snapshot = (windows: QuotaWindow[], plan: QuotaSnapshot["plan"] = "pro", planLabel: string | null = null) => ({
  plan,
  planLabel,
  region: "international" as const,
  fetchedAt: PEAK.toISOString(),
  windows,
})

const line = (s: QuotaSnapshot, opts: { now?: Date; stale?: boolean; color?: boolean } = {}) => {
  const now = opts.now ?? PEAK
  const report = buildReport(s, { now, stale: opts.stale ?? false, models: null })
  return statusLine(report, { now, planLabel: s.planLabel, color: opts.color ?? false })
}

describe("the status line's text", () => {
  it("plan, both windows, the binding window's countdown, the peak flag, the class", () => {
    const s = snapshot([win("five_hour", 37, 2 * H + 41 * 60_000), win("weekly", 22, 81 * H)])
    expect(line(s)).toBe("GLM Pro 5h ██░░░ 37% · wk █░░░░ 22% · ↻2h41m · ⚑peak · →4.7\n")
  })

  it("off-peak with quota to spare: no flag, the GLM-5 class", () => {
    const s = snapshot([win("five_hour", 10, 3 * H), win("weekly", 20, 100 * H)])
    expect(line(s, { now: OFF })).toMatch(/^GLM Pro 5h █░░░░ 10% · wk █░░░░ 20% · ↻\S+ · →5\n$/)
  })

  it("an idle 5-hour window (no reset yet) counts down to the weekly reset", () => {
    const s = snapshot([win("five_hour", 0, null), win("weekly", 0, 26 * H)])
    expect(line(s)).toContain("5h ░░░░░ 0% · wk ░░░░░ 0% · ↻1d2h")
  })

  it("a window not reported is left out; an unknown percentage is a dash", () => {
    expect(line(snapshot([win("weekly", 41, 26 * H)]))).toMatch(/^GLM Pro wk ██░░░ 41% · ↻1d2h · /)
    expect(line(snapshot([win("five_hour", null, null), win("weekly", 5, 26 * H)]))).toContain("5h ····· — · wk")
  })

  it("never says 100 % before the window is used up", () => {
    expect(line(snapshot([win("five_hour", 99.6, H), win("weekly", 100, 26 * H)]))).toContain(
      "5h █████ 99% · wk █████ 100%",
    )
  })

  it("countdowns are compact", () => {
    expect([0, 30_000, 45 * 60_000, 2 * H, 2 * H + 41 * 60_000, 81 * H].map(shortCountdown)).toEqual([
      "now",
      "<1m",
      "45m",
      "2h",
      "2h41m",
      "3d9h",
    ])
  })

  it("one rounding rule with the widget and the report: 4d 23h 59m is 5d everywhere, 2h 40m 40s is 2h 41m", () => {
    const almost5d = 5 * 24 * H - 60_000
    expect(shortCountdown(almost5d)).toBe("5d")
    expect(countdown(almost5d)).toBe("5d")
    expect(countdown(2 * H + 40 * 60_000 + 40_000)).toBe("2h 41m")
    expect(shortCountdown(2 * H + 40 * 60_000 + 40_000)).toBe("2h41m")
  })

  it("a stale reading is marked", () => {
    expect(line(snapshot([win("five_hour", 37, H)]), { stale: true })).toMatch(/ \(stale\)\n$/)
  })

  it("colours only the percentages: green, yellow from 80 %, red from 95 %", () => {
    const paint = (p: number) => line(snapshot([win("five_hour", p, H)]), { color: true })
    expect(paint(79)).toContain("\x1b[32m79%\x1b[39m")
    expect(paint(80)).toContain("\x1b[33m80%\x1b[39m")
    expect(paint(94)).toContain("\x1b[33m94%\x1b[39m")
    expect(paint(95)).toContain("\x1b[31m95%\x1b[39m")
    expect(paint(100)).toContain("\x1b[31m100%\x1b[39m")
    expect(paint(50).match(/\x1b/g)).toHaveLength(2)
    expect(line(snapshot([win("five_hour", null, H)]), { color: true })).not.toContain("\x1b")
  })

  it("a plan the API spelled its own way is cleaned and cut: still one short line", () => {
    const s = snapshot([win("five_hour", 37, H)], null, "GLM Coding\nMax\x1b[2J\u202e with a very long name")
    const text = line(s)
    expect(text.split("\n")).toHaveLength(2)
    expect(text).not.toMatch(/[\x1b\u202e]/)
    expect(text).toMatch(/^GLM GLM Coding… 5h /)
    expect(line(snapshot([win("five_hour", 37, H)], null, null))).toMatch(/^GLM 5h /)
  })

  it("stays short whatever the figures: 61 columns at most, 69 with the stale mark", () => {
    const s = snapshot([win("five_hour", 100, 23 * H + 59 * 60_000), win("weekly", 100, 6 * 24 * H + 23 * H)])
    expect(Array.from(line(s).trimEnd()).length).toBeLessThanOrEqual(61)
    expect(Array.from(line(s, { stale: true }).trimEnd()).length).toBeLessThanOrEqual(69)
  })
})
