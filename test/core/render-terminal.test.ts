import { describe, it, expect } from "vitest"
import { renderTerminal, type TerminalContext } from "../../src/core/render/render-terminal.ts"
import type { UsageHistory } from "../../src/core/types.ts"
import { viewReport } from "../../src/core/render/view.ts"
import { displayWidth } from "../../src/core/text/width.ts"
import { wrapText } from "../../src/core/text/wrap.ts"
import type { Report } from "../../src/core/report/report.ts"

const NOW = new Date("2026-03-02T03:20:00.000Z")
const HOURS = Array.from({ length: 24 }, (_, i) => new Date(NOW.getTime() - (23 - i) * 3_600_000).toISOString())

const HISTORY: UsageHistory = {
  hours: HOURS,
  // Null slots make gaps in the sparkline, which must not become line breaks.
  modelCalls: HOURS.map((_, i) => (i % 5 === 0 ? null : i * 3)),
  tokens: HOURS.map((_, i) => i * 12_000),
  perModel: [
    { model: "glm-4.7", tokens: HOURS.map((_, i) => i * 8_000) },
    { model: "glm-5", tokens: HOURS.map((_, i) => i * 4_000) },
  ],
  totals: { modelCalls: 840, tokens: 3_312_000, search: 84, webRead: 41, zread: 22 },
  tools: { search: HOURS.map(() => 3), webRead: HOURS.map(() => 1), zread: HOURS.map(() => 1) },
}

const LONG_REASON =
  "peak hours: GLM-5-class models cost 3× quota until 18:00 Beijing time, and the weekly window is already 41 % used, so GLM-4.7 keeps the quota for the rest of the week"

/** Every kind of long line the terminal report has: counters, tools, a note, an active peak, a long reason, local. */
function longReport(): Report {
  return {
    schema: 1,
    plan: "pro",
    region: "international",
    fetchedAt: new Date(NOW.getTime() - 5 * 60_000).toISOString(),
    stale: true,
    windows: [
      {
        kind: "five_hour",
        meter: "tokens",
        usedPercent: 37,
        used: 37_000_000,
        limit: 100_000_000,
        remaining: 63_000_000,
        resetsAt: "2026-03-02T05:59:00.000Z",
      },
      {
        kind: "weekly",
        meter: "tokens",
        usedPercent: 41,
        used: 41_000_000,
        limit: 100_000_000,
        remaining: 59_000_000,
        resetsAt: "2026-03-05T12:35:00.000Z",
      },
      {
        kind: "mcp_monthly",
        meter: "calls",
        usedPercent: 15,
        used: 147,
        limit: 1000,
        remaining: 853,
        resetsAt: "2026-03-20T07:30:00.000Z",
        tools: { "search-prime": 84, "web-reader": 41, zread: 22 },
        note: "the API sent a percentage above 100 for this window and it was clamped to 100 so the bar stays readable",
      },
    ],
    binding: "weekly",
    peak: {
      active: true,
      periods: ["quota", "throttle"],
      endsAt: "2026-03-02T10:00:00.000Z",
      nextStartsAt: null,
      glm5Multiplier: 3,
    },
    recommendation: { model: "glm-4.7", class: "glm-4.7", reason: LONG_REASON },
    local: {
      scope: "this machine",
      summary: {
        at: NOW.toISOString(),
        windowStart: new Date(NOW.getTime() - 5 * 3_600_000).toISOString(),
        prompts: 42,
        calls: 311,
        tokens: { input: 1_200_000, output: 90_000, cacheRead: 2_000_000, cacheWrite: 22_000, total: 3_312_000 },
        mcp: { "search-prime": 12 },
        mcpTotal: 12,
        allowance: { plan: "pro", promptsPer5h: 600, remaining: 558, usedPercent: 7 },
        callsPerPrompt: 7.4,
        oldestPromptAgesOutAt: "2026-03-02T04:10:00.000Z",
        sessions: [
          { session: "ses_01HXABCDEF0123456789", prompts: 20, calls: 150, tokens: 1_500_000, mcp: 5 },
          { session: "ses_01HXZZZZZZ0123456789", prompts: 12, calls: 101, tokens: 1_000_000, mcp: 4 },
          { session: "ses_01HXYYYYYY0123456789", prompts: 10, calls: 60, tokens: 812_000, mcp: 3 },
        ],
        mcp30d: { "search-prime": 84 },
        mcp30dTotal: 84,
        burn: { promptsPerHour: 14, callsPerHour: 96, pointsPerHour: { fiveHour: 6.5, weekly: 1.2 } },
      },
      runway: {
        window: "weekly",
        state: "runs_out",
        pointsPerHour: 1.2,
        exhaustsAt: "2026-03-04T20:00:00.000Z",
        beforeResetMs: 16 * 3_600_000 + 35 * 60_000,
      },
    },
  }
}

/** A report whose every line is short: wrapping must leave it alone. */
function shortReport(): Report {
  return {
    schema: 1,
    plan: "pro",
    region: "international",
    fetchedAt: NOW.toISOString(),
    stale: false,
    windows: [
      {
        kind: "five_hour",
        meter: "tokens",
        usedPercent: 37,
        used: null,
        limit: null,
        remaining: null,
        resetsAt: "2026-03-02T05:59:00.000Z",
      },
      { kind: "weekly", meter: "tokens", usedPercent: null, used: null, limit: null, remaining: null, resetsAt: null },
    ],
    binding: "five_hour",
    peak: { active: false, periods: [], endsAt: null, nextStartsAt: null, glm5Multiplier: 1 },
    recommendation: { model: "glm-5", class: "glm-5", reason: "quota to spare" },
  }
}

const ctx = (width: number | undefined, color: boolean): TerminalContext => ({
  now: NOW,
  localTimeZone: "Europe/Berlin",
  staleReason: "The quota API is having trouble (HTTP 502): try again in a few minutes.",
  history: HISTORY,
  color,
  width,
})

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "")
const lines = (text: string) => text.replace(/\n$/, "").split("\n")
const words = (text: string) =>
  strip(text)
    .split(/\s+/)
    .filter((w) => w !== "")

/** Whether `needle` occurs in `hay` as a contiguous run. */
function containsRun(hay: string[], needle: string[]): boolean {
  for (let i = 0; i + needle.length <= hay.length; i++) if (needle.every((w, k) => hay[i + k] === w)) return true
  return false
}

/** The column each window row's bar starts at. */
function barColumns(text: string): number[] {
  return lines(text)
    .map(strip)
    .flatMap((l) => {
      const m = /[█░]{20}|·{20}/.exec(l)
      return m === null ? [] : [displayWidth(l.slice(0, m.index))]
    })
}

/** Every SGR code opened on a line is closed on it, in order, and nothing is closed that was not opened. */
function balanced(line: string): boolean {
  const closes: Record<string, string> = { "1": "22", "2": "22", "31": "39", "32": "39", "33": "39", "36": "39" }
  const open: string[] = []
  for (const m of line.matchAll(/\x1b\[([0-9;]*)m/g)) {
    const code = m[1]!
    if (code in closes) open.push(closes[code]!)
    else if (open.pop() !== code) return false
  }
  return open.length === 0
}

describe("displayWidth", () => {
  it("counts CJK and emoji as two columns", () => {
    expect(displayWidth("北京时间")).toBe(8)
    expect(displayWidth("⏰")).toBe(2)
    expect(displayWidth("GLM 套餐")).toBe(8)
    expect(displayWidth("𠀀")).toBe(2) // outside the BMP: a surrogate pair, one character
  })

  it("counts the bar, sparkline, box and arrow symbols as one column", () => {
    expect(displayWidth("█░·")).toBe(3)
    expect(displayWidth("▁▂▃▄▅▆▇█")).toBe(8)
    expect(displayWidth("─│┌→×—")).toBe(6)
  })

  it("ignores SGR colour codes", () => {
    expect(displayWidth("\x1b[31mabc\x1b[39m")).toBe(3)
    expect(displayWidth("\x1b[1m北京\x1b[22m \x1b[2m█\x1b[22m")).toBe(6)
  })

  it("counts combining marks as nothing and joined emoji as one", () => {
    expect(displayWidth("e\u0301")).toBe(1)
    expect(displayWidth("👍🏽")).toBe(2)
    expect(displayWidth("👨\u200d👩\u200d👧")).toBe(2)
    expect(displayWidth("🇨🇳")).toBe(2)
  })
})

describe("wrapText", () => {
  it("breaks at spaces and drops the space at the break", () => {
    expect(wrapText("the quick brown fox", 10)).toEqual(["the quick", "brown fox"])
  })

  it("hard-breaks a word longer than the width", () => {
    expect(wrapText("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"])
    expect(wrapText("go abcdefghij", 6)).toEqual(["go abc", "defghi", "j"])
  })

  it("puts the first indent on the first line and the indent on the others", () => {
    expect(wrapText("aaa bbb ccc ddd", 9, { firstIndent: "- ", indent: "  " })).toEqual(["- aaa bbb", "  ccc ddd"])
    expect(wrapText("aaa bbb ccc", 7, { indent: "  " })).toEqual(["  aaa", "  bbb", "  ccc"])
  })

  it("measures in columns and never splits a surrogate pair or a wide character", () => {
    expect(wrapText("😀😀😀", 5)).toEqual(["😀😀", "😀"])
    expect(wrapText("北京时间北京", 5)).toEqual(["北京", "时间", "北京"])
    const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
    for (const l of wrapText("𠀀𠀀𠀀 ⏰⏰", 3)) expect(l).not.toMatch(lone)
  })

  it("leaves a text that fits exactly as it is", () => {
    expect(wrapText("a  b ", 10)).toEqual(["a  b "])
    expect(wrapText("", 10, { indent: "  " })).toEqual(["  "])
  })

  it("starts a new line at a newline", () => {
    expect(wrapText("one\ntwo three", 20, { indent: "> " })).toEqual(["> one", "> two three"])
  })
})

describe("renderTerminal at a width", () => {
  const cases = [80, 100, 60].flatMap((width) => [true, false].map((color) => ({ width, color })))

  it.each(cases)("width $width, color $color: every line fits", ({ width, color }) => {
    const text = renderTerminal(longReport(), ctx(width, color))
    for (const l of lines(text)) expect(displayWidth(l), JSON.stringify(strip(l))).toBeLessThanOrEqual(width)
  })

  it.each(cases)("width $width, color $color: the bars stay in one column", ({ width, color }) => {
    const cols = barColumns(renderTerminal(longReport(), ctx(width, color)))
    expect(cols).toHaveLength(3)
    expect(new Set(cols).size).toBe(1)
    // The same column as at a width where nothing wraps.
    expect(cols[0]).toBe(barColumns(renderTerminal(longReport(), ctx(200, color)))[0])
  })

  it.each(cases)("width $width, color $color: no word is lost", ({ width, color }) => {
    const text = renderTerminal(longReport(), ctx(width, color))
    const v = viewReport(longReport(), ctx(width, color))
    const all = words(text)
    expect(containsRun(all, words(v.peak))).toBe(true)
    expect(containsRun(all, words(`Model: ${v.model} — ${v.modelReason}`))).toBe(true)
    expect(containsRun(all, words(v.stale!))).toBe(true)
    for (const l of [...v.local!, ...v.history!]) expect(containsRun(all, words(l))).toBe(true)
    for (const w of v.windows)
      for (const part of [w.counters, w.reset]) if (part !== null) expect(containsRun(all, words(part))).toBe(true)
  })

  it.each(cases.filter((c) => c.color))("width $width: each line opens and closes its own colours", ({ width }) => {
    const text = renderTerminal(longReport(), ctx(width, true))
    for (const l of lines(text)) expect(balanced(l), JSON.stringify(l)).toBe(true)
    expect(text).toContain("\x1b[")
  })

  it("puts the reset beside the bar and the counters under it when both do not fit; under the bar when not even that", () => {
    const at80 = lines(strip(renderTerminal(longReport(), ctx(80, false))))
    const mcp80 = at80.findIndex((l) => l.includes("MCP tools (month)"))
    expect(at80[mcp80]).toMatch(/15 %  resets Mar 20 08:30 \(in 18d 4h\)$/)
    expect(at80[mcp80 + 1]).toBe(`${" ".repeat(21)}147 / 1,000 calls, 853 left`)
    const at60 = lines(strip(renderTerminal(longReport(), ctx(60, false))))
    const mcp60 = at60.findIndex((l) => l.includes("MCP tools (month)"))
    expect(at60[mcp60]).toMatch(/15 %$/)
    expect(at60[mcp60 + 1]).toBe(`${" ".repeat(21)}147 / 1,000 calls, 853 left ·`)
  })

  it("widens the percent column for a decimal percent, in every row alike", () => {
    const report = longReport()
    report.windows[2]!.usedPercent = 14.7
    const text = lines(strip(renderTerminal(report, ctx(80, false))))
    const col = (l: string | undefined, word: string) => displayWidth(l!.slice(0, l!.indexOf(word)))
    const five = text.find((l) => l.includes("5-hour"))
    const mcp = text.findIndex((l) => l.includes("MCP tools (month)"))
    expect(text[mcp]).toContain(" 14.7 %  147 / 1,000")
    expect(col(text[mcp], "147 /")).toBe(col(five, "resets"))
    expect(col(text[mcp + 1], "resets")).toBe(col(five, "resets"))
  })

  it("keeps a short parenthesis and a separator with the words before it", () => {
    for (const width of [60, 80, 100]) {
      const text = lines(strip(renderTerminal(longReport(), ctx(width, false))))
      for (const l of text) expect(l.trimStart()).not.toMatch(/^[·—]/)
      expect(text.some((l) => l.includes("(in 18d 4h)"))).toBe(true)
    }
  })

  it("continues prose under its first word", () => {
    const text = lines(strip(renderTerminal(longReport(), ctx(80, false))))
    const model = text.findIndex((l) => l.startsWith("  Model: "))
    expect(text[model + 1]).toMatch(/^ {2}\S/)
    const stale = text.findIndex((l) => l.startsWith("! Stale: "))
    expect(text[stale + 1]).toMatch(/^ {2}\S/)
  })

  it("keeps a sparkline whole", () => {
    const text = strip(renderTerminal(longReport(), ctx(40, false)))
    expect(text).toMatch(/glm-4\.7 +[▁▂▃▄▅▆▇█]{24}\n/)
  })

  it("prints a report that fits the same at 80 and at 200 columns", () => {
    for (const color of [true, false]) {
      const wide = renderTerminal(shortReport(), { ...ctx(200, color), history: null, staleReason: null })
      expect(renderTerminal(shortReport(), { ...ctx(80, color), history: null, staleReason: null })).toBe(wide)
      expect(strip(wide)).toMatch(/^ {2}Weekly +·{20} {5}—/m)
    }
  })

  it("does not wrap what fits in 200 columns", () => {
    const v = viewReport(longReport(), ctx(200, false))
    const text = lines(renderTerminal(longReport(), ctx(200, false)))
    expect(text).toContain(`  ${v.peak}`)
    expect(text).toContain(`  Model: ${v.model} — ${v.modelReason}`)
  })

  it("takes 80 columns without a width and clamps it to 40–200", () => {
    const fits = (width: number | undefined, limit: number) => {
      for (const l of lines(renderTerminal(longReport(), ctx(width, true))))
        expect(displayWidth(l)).toBeLessThanOrEqual(limit)
    }
    fits(undefined, 80)
    fits(0, 80)
    fits(Number.NaN, 80)
    fits(10, 40)
    expect(renderTerminal(longReport(), ctx(500, false))).toBe(renderTerminal(longReport(), ctx(200, false)))
  })

  it("puts a title too wide for its bar on its own line, the bars still aligned", () => {
    const report = longReport()
    report.windows.push({
      kind: "other",
      meter: "tokens",
      usedPercent: 5,
      used: null,
      limit: null,
      remaining: null,
      resetsAt: null,
      type: "SOME_VERY_LONG_LIMIT_TYPE_NAME",
      unit: 9,
      number: 12,
    })
    for (const width of [40, 60]) {
      const text = renderTerminal(report, ctx(width, true))
      for (const l of lines(text)) expect(displayWidth(l)).toBeLessThanOrEqual(width)
      const cols = barColumns(text)
      expect(cols).toHaveLength(4)
      expect(new Set(cols).size).toBe(1)
      expect(words(text)).toContain("SOME_VERY_LONG_LIMIT_TYPE_NAME")
    }
  })
})
