// The dialogs laid out for OpenCode 1.18.33's DialogAlert: wrapped to its columns with hanging indents, no word split,
// and no more rows than the screen leaves it, so its "ok" stays on screen (checked under tmux by tui.e2e.test.ts).
import { describe, expect, it } from "vitest"
import { DEFAULT_PEAK_SCHEDULE } from "../../src/core/time/peak.ts"
import { buildReport } from "../../src/core/report/report.ts"
import type { QuotaSnapshot } from "../../src/core/types.ts"
import { fitBlocks, problemDialog, reportDialog, type DialogBox } from "../../src/tui/dialog-text.ts"
import { checksDialog } from "../../src/tui/doctor.ts"
import { dialogRoom } from "../../src/tui/layout.ts"
import { ok, warn } from "../../src/doctor/types.ts"
import { keyRejectedError } from "../../src/zai/errors.ts"

const NOW = new Date("2026-03-02T07:30:00Z")
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString()
const win = (kind: "five_hour" | "weekly", pct: number, inMs: number) => ({
  kind,
  meter: "tokens" as const,
  usedPercent: pct,
  used: null,
  limit: null,
  remaining: null,
  resetsAt: at(inMs),
})
const snapshot: QuotaSnapshot = {
  plan: "pro",
  planLabel: "pro",
  region: "international",
  fetchedAt: NOW.toISOString(),
  windows: [
    win("five_hour", 37, 161 * 60_000),
    win("weekly", 41, 81 * 3_600_000),
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

/** Every word of `text` is whole on some line of `lines` (none was split across two). */
function wordsWhole(text: string, lines: readonly string[]): string[] {
  const onLines = new Set(lines.flatMap((l) => l.split(/\s+/)))
  return text.split(/\s+/).filter((w) => w !== "" && !onLines.has(w))
}

describe("dialogRoom", () => {
  it("the large dialog's message room at common sizes", () => {
    expect(dialogRoom(100, 30)).toEqual({ columns: 84, rows: 15 })
    expect(dialogRoom(180, 50)).toEqual({ columns: 84, rows: 30 })
    expect(dialogRoom(80, 24)).toEqual({ columns: 74, rows: 11 })
  })
})

describe("the report dialog in a box", () => {
  const report = buildReport(snapshot, { now: NOW, stale: true, schedule: DEFAULT_PEAK_SCHEDULE })
  const boxes: DialogBox[] = [dialogRoom(80, 24), dialogRoom(100, 30), dialogRoom(180, 50), { columns: 50, rows: 40 }]
  for (const box of boxes) {
    it(`${box.columns} columns, ${box.rows} rows: fits, no word split, the figures and the advice kept`, () => {
      const wide = reportDialog(report, { now: NOW, localTimeZone: "UTC", staleReason: "The API did not answer." })
      const d = reportDialog(report, {
        now: NOW,
        localTimeZone: "UTC",
        staleReason: "The API did not answer.",
        box,
      })
      const lines = d.message.split("\n")
      expect(lines.length).toBeLessThanOrEqual(box.rows)
      for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(box.columns)
      expect(lines[0]).toMatch(/^! Stale/)
      expect(lines[0]).not.toBe("")
      expect(lines.at(-1)).not.toBe("")
      for (const l of ["5-hour", "Weekly", "MCP tools (month)"]) expect(d.message).toContain(l)
      expect(d.message).toMatch(/Model: glm-4\.7/)
      // Only whole blocks are left out: the words that remain are those of the unbounded text, unsplit.
      const flat = d.message.replace(/\s+/g, " ")
      expect(wide.message.replace(/\s+/g, " ")).toContain(flat.slice(0, 40))
      expect(wordsWhole(flat, lines)).toEqual([])
      // Continuation lines hang: a window's detail under its bar, the model's reason under the id.
      for (const l of lines.filter((x) => /^\s/.test(x))) expect(l).toMatch(/^ {2,}\S/)
    })
  }

  it("in a short box the blank lines and the tools go first, the windows, the peak and the model stay", () => {
    const fresh = buildReport(snapshot, { now: NOW, schedule: DEFAULT_PEAK_SCHEDULE })
    const d = reportDialog(fresh, { now: NOW, localTimeZone: "UTC", box: { columns: 84, rows: 11 } })
    expect(d.message).not.toContain("search-prime")
    expect(d.message).not.toMatch(/\n\n/)
    expect(d.message).toMatch(/resets Mar 20 07:30/)
    expect(d.message).toMatch(/Peak hours/)
  })

  it("a failure's sentence wraps to the box", () => {
    const d = problemDialog(keyRejectedError("international"), { columns: 60, rows: 10 })
    for (const l of d.message.split("\n")) expect(l.length).toBeLessThanOrEqual(60)
    expect(d.message.split("\n").length).toBeGreaterThan(1)
  })
})

describe("fitBlocks", () => {
  it("drops the most droppable blocks, lowest first, and never leaves a blank line at an edge or doubled", () => {
    const blank = { lines: [""], drop: 9 }
    const blocks = [
      { lines: ["a"], drop: 0 },
      blank,
      { lines: ["b1", "b2"], drop: 5 },
      blank,
      { lines: ["c"], drop: 0 },
    ]
    expect(fitBlocks(blocks, 10)).toEqual(["a", "", "b1", "b2", "", "c"])
    expect(fitBlocks(blocks, 5)).toEqual(["a", "", "b1", "b2", "c"])
    expect(fitBlocks(blocks, 4)).toEqual(["a", "b1", "b2", "c"])
    expect(fitBlocks(blocks, 3)).toEqual(["a", "c"])
    expect(fitBlocks(blocks, 1)).toEqual(["a", "c"]) // the ones that never go stay, even over
  })
})

describe("the doctor's dialog in a box", () => {
  const checks = [
    ok("key", "key from ZAI_API_KEY, for Z.ai (international)"),
    ...Array.from({ length: 12 }, (_, i) => ok(`c${i}`, `check number ${i} passed with a long enough sentence here`)),
    warn(
      "plugin",
      "opencode.json and tui.json name different glm-quota: file:///work/a/src/index.ts and file:///work/a/src/tui.ts",
      "use the same version or path in both",
    ),
  ]
  it("wrapped with hanging indents to the box's columns", () => {
    const text = checksDialog(checks, { columns: 74, rows: 100 })
    const lines = text.split("\n")
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(74)
    expect(lines.filter((l) => /^\S/.test(l)).every((l) => /^[✓⚠✗] {2}\S/.test(l))).toBe(true)
    expect(lines.filter((l) => /^\s/.test(l)).every((l) => /^ {3}\S/.test(l))).toBe(true)
    expect(wordsWhole(checks.map((c) => `${c.found} ${c.fix}`).join(" "), lines)).toEqual([])
  })
  it("too many rows: the passed checks give way to a count, the warning and its fix stay", () => {
    const text = checksDialog(checks, { columns: 84, rows: 11 })
    expect(text.split("\n").length).toBeLessThanOrEqual(11)
    expect(text).toContain("→ use the same version or path in both")
    expect(text).toMatch(/✓ {2}13 other checks passed/)
  })
})
