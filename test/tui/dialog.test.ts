// The /glm-quota dialog's text and the session's model as the TUI's store has it.
import { describe, expect, it } from "vitest"
import { DEFAULT_PEAK_SCHEDULE } from "../../src/core/time/peak.ts"
import { buildReport } from "../../src/core/report/report.ts"
import type { QuotaSnapshot } from "../../src/core/types.ts"
import { problemDialog, reportDialog } from "../../src/tui/dialog-text.ts"
import { modelOfMessages } from "../../src/tui/session-model.ts"
import { noKeyError } from "../../src/zai/errors.ts"

const NOW = new Date("2026-03-02T07:30:00Z")
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString()
const snapshot: QuotaSnapshot = {
  plan: "pro",
  planLabel: "pro",
  region: "international",
  fetchedAt: NOW.toISOString(),
  windows: [
    {
      kind: "five_hour",
      meter: "tokens",
      usedPercent: 37,
      used: null,
      limit: null,
      remaining: null,
      resetsAt: at(161 * 60_000),
    },
    {
      kind: "weekly",
      meter: "tokens",
      usedPercent: 41,
      used: null,
      limit: null,
      remaining: null,
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

describe("reportDialog", () => {
  it("the full report as plain lines: every window, its reset and counters, peak, the model and why", () => {
    const report = buildReport(snapshot, { now: NOW, schedule: DEFAULT_PEAK_SCHEDULE })
    const d = reportDialog(report, { now: NOW, localTimeZone: "UTC" })
    // The source and the reading's age go in the title row: one row less in a dialog that has few.
    expect(d.title).toBe("GLM Coding Plan · Pro · Z.ai · updated just now")
    const lines = d.message.split("\n")
    expect(lines).toContain("5-hour             ███████░░░░░░░░░░░░░  37 %")
    expect(lines).toContain("                   resets 10:11 (in 2h 41m)")
    expect(lines).toContain("                   147 / 1,000 calls, 853 left · resets Mar 20 07:30 (in 18d)")
    expect(lines).toContain("                   search-prime 84 · web-reader 41 · zread 22")
    const flat = d.message.replace(/\s+/g, " ")
    expect(flat).toMatch(/Peak hours \(quota, throttle\) until 18:00 Beijing time \(10:00 your time\)/)
    expect(flat).toMatch(
      /Model: glm-4\.7 — peak hours until 18:00 Beijing time: GLM-5-class models cost 3× quota \(1× off-peak\)/,
    )
    expect(d.message).not.toMatch(/\*\*|`/) // not Markdown: the dialog draws text
  })

  it("stale data says why", () => {
    const report = buildReport(snapshot, { now: NOW, stale: true, schedule: DEFAULT_PEAK_SCHEDULE })
    const d = reportDialog(report, {
      now: new Date(NOW.getTime() + 5 * 60_000),
      localTimeZone: "UTC",
      staleReason: "The quota API did not answer within 8 seconds.",
    })
    expect(d.title).toMatch(/· Z\.ai · updated 5m ago$/)
    // The "!" hangs in the margin: the reason continues under its first word.
    expect(d.message).toMatch(
      /^! Stale: showing the last good reading \(5m ago\)\. The quota API did not answer .*\n {2}\S/,
    )
  })

  it("a failure is its one sentence", () => {
    expect(problemDialog(noKeyError()).message).toMatch(/^No GLM Coding Plan key was found/)
  })
})

describe("modelOfMessages", () => {
  it("the last message that names a model, else the configured default", () => {
    const msgs = [
      { role: "user", model: { providerID: "zai-coding-plan", modelID: "glm-5" } },
      { role: "assistant", providerID: "zai-coding-plan", modelID: "glm-4.7" },
      { role: "assistant" },
    ]
    expect(modelOfMessages(msgs, "x/y")).toBe("zai-coding-plan/glm-4.7")
    expect(modelOfMessages(msgs.slice(0, 1), null)).toBe("zai-coding-plan/glm-5")
    expect(modelOfMessages([], "zai-coding-plan/glm-5")).toBe("zai-coding-plan/glm-5")
    expect(modelOfMessages(undefined, " ")).toBeNull()
  })
})
