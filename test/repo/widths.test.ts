// Every text a user reads that glm-quota lays out itself — the CLI report, the doctor, the TUI's dialogs, the server
// command's plain post — at 80 and 100 columns: no line over the width, no word split between two lines (the same
// words as the text laid out with no limit). Toasts and the widget's line are laid out by OpenCode (fit-line.ts and
// its tests choose what fits).
import { describe, expect, it } from "vitest"
import { DEFAULT_PEAK_SCHEDULE } from "../../src/core/time/peak.ts"
import { buildReport } from "../../src/core/report/report.ts"
import { renderTerminal } from "../../src/core/render/render-terminal.ts"
import { displayWidth } from "../../src/core/text/width.ts"
import type { QuotaSnapshot } from "../../src/core/types.ts"
import { renderChecks } from "../../src/doctor/index.ts"
import { ok, warn } from "../../src/doctor/types.ts"
import { checksText, reportText, PLAIN_COLUMNS } from "../../src/opencode/present.ts"
import { reportDialog } from "../../src/tui/dialog-text.ts"
import { checksDialog } from "../../src/tui/doctor.ts"
import { dialogRoom } from "../../src/tui/layout.ts"

const NOW = new Date("2026-12-01T07:30:00Z")
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString()
const snapshot: QuotaSnapshot = {
  plan: "pro",
  planLabel: "pro",
  region: "international",
  fetchedAt: NOW.toISOString(),
  windows: [
    {
      kind: "five_hour",
      meter: "credits",
      usedPercent: 37,
      used: 2960,
      limit: 8000,
      remaining: 5040,
      resetsAt: at(161 * 60_000),
    },
    {
      kind: "weekly",
      meter: "credits",
      usedPercent: 41,
      used: 16400,
      limit: 40000,
      remaining: 23600,
      resetsAt: at(81 * 3_600_000),
    },
    {
      kind: "mcp_monthly",
      meter: "calls",
      usedPercent: 15,
      used: 147,
      limit: 1000,
      remaining: 853,
      resetsAt: at(18 * 86_400_000),
      tools: { "search-prime": 84, "web-reader": 41, zread: 22 },
    },
  ],
}
const report = buildReport(snapshot, { now: NOW, stale: true, schedule: DEFAULT_PEAK_SCHEDULE })
const ctx = {
  now: NOW,
  localTimeZone: "Europe/Berlin",
  staleReason:
    "The quota API did not answer within 8 seconds: check your network or proxy (HTTPS_PROXY) and try again.",
}
const checks = [
  ok("key", "key from ZAI_API_KEY, for Z.ai (international)"),
  warn(
    "clock",
    "local clock not compared (the API sent no usable Date header); local times in UTC",
    "make sure the system clock is synchronised (NTP, timedatectl)",
  ),
  warn(
    "plugin",
    "opencode.json and tui.json name different glm-quota: file:///home/someone/src/glm-quota/src/index.ts and file:///home/someone/src/glm-quota/src/tui.ts",
    "use the same version or path in both",
  ),
  ok("providers", "no provider in opencode.json points at Z.ai / BigModel (the built-in zai-coding-plan needs none)"),
]

const words = (text: string) => text.split(/\s+/).filter((w) => w !== "")
/**
 * Lines within `width`, and the words of `text` those of `unbounded` (none split, none lost; in any order, without
 * the "·" between details: a narrow report puts a window's reset before its counters, on lines of their own).
 */
function fits(text: string, width: number, unbounded: string): void {
  for (const line of text.split("\n")) expect(displayWidth(line), line).toBeLessThanOrEqual(width)
  const bag = (t: string) =>
    words(t)
      .filter((w) => w !== "·")
      .sort()
  expect(bag(text)).toEqual(bag(unbounded))
}

describe.each([80, 100])("at %i columns", (width) => {
  it("the CLI report", () => {
    const unbounded = renderTerminal(report, { ...ctx, color: false, width: 200 })
    fits(renderTerminal(report, { ...ctx, color: false, width }), width, unbounded)
  })
  it("the doctor, as the CLI prints it", () => {
    fits(renderChecks(checks, width), width, renderChecks(checks))
  })
  it("the TUI's report and doctor dialogs, in the dialog's box on a screen this wide", () => {
    const box = { ...dialogRoom(width, 100) }
    const unbounded = reportDialog(report, { ...ctx, box: { columns: 500, rows: 100 } }).message
    fits(reportDialog(report, { ...ctx, box }).message, box.columns, unbounded)
    fits(checksDialog(checks, box), box.columns, checksDialog(checks, { columns: 500, rows: 100 }))
  })
  it("the server command's plain post (a user message), within the narrower of its 72 columns and the screen", () => {
    const res = {
      ok: true as const,
      value: snapshot,
      stale: true,
      fromCache: true,
      error: { kind: "timeout" as const, message: ctx.staleReason },
    }
    const post = reportText(res, report, "markdown", { ...ctx, peakTimeZone: "Asia/Shanghai" }, "plain")
    for (const line of post.split("\n"))
      expect(displayWidth(line), line).toBeLessThanOrEqual(Math.min(width, PLAIN_COLUMNS))
    const doctor = checksText(checks, null, "plain")
    for (const line of doctor.split("\n")) expect(displayWidth(line), line).toBeLessThanOrEqual(PLAIN_COLUMNS)
    expect(words(doctor).slice(2)).toEqual(words(renderChecks(checks)))
  })
})
