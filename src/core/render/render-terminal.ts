// The report for a terminal, with ANSI colours when asked for, wrapped to the terminal's width.
import { viewReport, type ViewContext, type WindowView } from "./view.ts"
import { displayWidth } from "../text/width.ts"
import { wrapSpans, type Span } from "../text/wrap.ts"
import type { Report } from "../report/report.ts"

const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const
type Style = keyof typeof CODES

/** Without a width (output piped, or an unknown terminal) the report fits the classic 80 columns. */
export const DEFAULT_WIDTH = 80
/** Below this the window rows (title, 20-column bar, percent) cannot keep their shape. */
export const MIN_WIDTH = 40
/** Beyond this, lines get too long to read however wide the terminal is. */
export const MAX_WIDTH = 200
/** The fewest columns worth continuing a window's detail in; narrower, it goes under the bar instead. */
const MIN_DETAIL = 20
const BAR = 20
const PCT = 5

export interface TerminalContext extends ViewContext {
  color: boolean
  warnAt?: number
  dangerAt?: number
  /** The terminal's columns (process.stdout.columns); undefined, zero or NaN means 80. Clamped to 40–200. */
  width?: number
}

export function terminalWidth(columns: number | undefined): number {
  if (columns === undefined || !Number.isFinite(columns) || columns <= 0) return DEFAULT_WIDTH
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.floor(columns)))
}

const spaces = (n: number) => " ".repeat(Math.max(0, n))
const padTo = (s: string, columns: number) => s + spaces(columns - displayWidth(s))
// A sparkline's gaps are empty hours, not word breaks: the run stays whole when a history line wraps.
const SPARK = /[\u2581-\u2588](?:[\u2581-\u2588 ]*[\u2581-\u2588])?/g

// A separator stays with the words before it: a wrapped line may end in "·" or "—", never start with one. A short
// parenthesis stays whole: "(in 18d 3h)" or "(11:00 your time)" split in two reads badly. (· and — as escapes: the
// CLI's bundle stays ASCII, see src/zai/errors.ts.)
const SEPARATOR = / [\u00b7\u2014]|\([^()\s][^()]{0,20}\)/g

function glue(span: Span<Style>): Span<Style>[] {
  if (span.keep === true) return [span]
  const out: Span<Style>[] = []
  let at = 0
  for (const m of span.text.matchAll(SEPARATOR)) {
    out.push({ text: span.text.slice(at, m.index), style: span.style }, { text: m[0], style: span.style, keep: true })
    at = m.index + m[0].length
  }
  out.push({ text: span.text.slice(at), style: span.style })
  return out
}

/** "search-prime 84 · web-reader 41": a tool's name and count stay on one line. */
function toolSpans(tools: string): Span<Style>[] {
  return tools
    .split(" · ")
    .flatMap((item, k): Span<Style>[] => [
      ...(k > 0 ? [{ text: " · ", style: "dim" as const }] : []),
      { text: item, style: "dim", keep: true },
    ])
}

function sparkSpans(line: string): Span<Style>[] {
  const out: Span<Style>[] = []
  let at = 0
  for (const m of line.matchAll(SPARK)) {
    if (m.index > at) out.push({ text: line.slice(at, m.index), style: null })
    out.push({ text: m[0], style: null, keep: true })
    at = m.index + m[0].length
  }
  if (at < line.length) out.push({ text: line.slice(at), style: null })
  return out
}

/** How lines are painted and wrapped at this width. */
interface Pen {
  width: number
  paint: (s: string, style: Style) => string
  level: (p: number | null) => Style
  line: (spans: readonly Span<Style>[]) => string
  /** Prose: wrapped, continuing under the column it starts in (or `hang`). */
  prose: (spans: readonly Span<Style>[], column: number, hang?: number) => string[]
}

function penFor(ctx: TerminalContext): Pen {
  const width = terminalWidth(ctx.width)
  const paint = (s: string, style: Style) => (ctx.color ? `\x1b[${CODES[style][0]}m${s}\x1b[${CODES[style][1]}m` : s)
  // Each line paints its own spans, so every colour opens and closes on the line it is on.
  const line = (spans: readonly Span<Style>[]) =>
    spans.map((s) => (s.style === null ? s.text : paint(s.text, s.style))).join("")
  return {
    width,
    paint,
    line,
    level: (p) =>
      p === null ? "dim" : p >= (ctx.dangerAt ?? 95) ? "red" : p >= (ctx.warnAt ?? 80) ? "yellow" : "green",
    prose: (spans, column, hang = column) =>
      wrapSpans(spans.flatMap(glue), width, { firstIndent: spaces(column), indent: spaces(hang) }).map(line),
  }
}

/** The window rows' columns: title, 20-column bar, percent, detail. */
interface Columns {
  titleWidth: number
  pctWidth: number
  /** A title too wide for a bar beside it goes on a line of its own, in every row alike. */
  stacked: boolean
  barCol: number
  detailCol: number
}

function columnsFor(windows: readonly WindowView[], width: number): Columns {
  const titleWidth = Math.max(8, ...windows.map((w) => displayWidth(w.title)))
  // Five columns hold "100 %"; a decimal percent ("14.7 %") widens the column for every row, so details line up.
  const pctWidth = Math.max(PCT, ...windows.map((w) => displayWidth(w.percentText)))
  // A title too wide for a bar beside it (an unknown window's long identifiers) goes on a line of its own, in every
  // row alike so that the bars still line up.
  const stacked = 2 + titleWidth + 2 + BAR + 1 + pctWidth > width
  const barCol = stacked ? 4 : 2 + titleWidth + 2
  return { titleWidth, pctWidth, stacked, barCol, detailCol: barCol + BAR + 1 + pctWidth + 2 }
}

export function renderTerminal(report: Report, ctx: TerminalContext): string {
  const pen = penFor(ctx)
  const { prose } = pen
  const v = viewReport(report, ctx)
  const head: Span<Style>[] = [
    { text: v.title, style: "bold" },
    { text: "  ", style: null },
    { text: `${v.region} · ${v.updated}`, style: "dim" },
  ]
  const out: string[] = prose(head, 0)
  // The "!" hangs in the margin: a wrapped stale reason continues under its first word.
  if (v.stale !== null) out.push(...prose([{ text: `! ${v.stale}`, style: "yellow" }], 0, 2))
  out.push("")
  const cols = columnsFor(v.windows, pen.width)
  for (const w of v.windows) out.push(...windowLines(w, pen, cols))
  if (v.windows.length === 0)
    out.push(...prose([{ text: v.account ?? "The API reported no quota windows.", style: null }], 2))
  if (v.turns !== null) {
    out.push(
      "",
      ...prose([{ text: "Turns and pace (credits by Z.ai's formula, this machine's turns):", style: "bold" }], 2),
    )
    for (const l of v.turns) out.push(...prose([{ text: l, style: null }], 2))
  }
  // Where the Markdown report has it: under the windows a card would reset.
  if (v.resetCard !== null) out.push("", ...prose([{ text: v.resetCard, style: null }], 2))
  out.push("", ...prose([{ text: v.peak, style: v.peakActive ? "yellow" : "dim" }], 2))
  const model: Span<Style>[] = [
    { text: "Model: ", style: null },
    { text: v.model, style: "cyan" },
    { text: ` — ${v.modelReason}`, style: null },
  ]
  out.push(...prose(model, 2))
  if (v.local !== null) {
    out.push("", ...prose([{ text: "This machine's record (the figures above are account-wide):", style: "bold" }], 2))
    for (const l of v.local) out.push(...prose([{ text: l, style: null }], 2))
  }
  if (v.history !== null) {
    out.push("")
    for (const l of v.history) out.push(...prose(sparkSpans(l), 2))
  }
  return out.join("\n") + "\n"
}

function windowLines(w: WindowView, pen: Pen, c: Columns): string[] {
  const { paint, prose, line, width } = pen
  const { stacked, barCol, detailCol } = c
  const lines: string[] = []
  const lvl = pen.level(w.percent)
  const pct = spaces(c.pctWidth - displayWidth(w.percentText)) + w.percentText
  const pieces = [w.counters, w.reset].filter((x) => x !== null)
  const detail = pieces.join(" · ")
  const title = padTo(w.title, c.titleWidth)
  if (!stacked && detailCol + displayWidth(detail) <= width) {
    // What fits is printed exactly as it always was.
    lines.push(`  ${title}  ${paint(w.bar, lvl)} ${paint(pct, lvl)}  ${paint(detail, "dim")}`)
  } else if (!stacked && w.counters !== null && w.reset !== null && detailCol + displayWidth(w.reset) <= width) {
    // The reset beside the bar, the counters on the next line under it: a long counter text read whole.
    lines.push(`  ${title}  ${paint(w.bar, lvl)} ${paint(pct, lvl)}  ${paint(w.reset, "dim")}`)
    lines.push(...prose([{ text: w.counters, style: "dim" }], barCol))
  } else {
    if (stacked) lines.push(...prose([{ text: w.title, style: null }], 2))
    const head: Span<Style>[] = [
      ...(stacked ? [] : [{ text: `${title}  `, style: null }]),
      { text: w.bar, style: lvl },
      { text: " ", style: null },
      { text: pct, style: lvl },
    ]
    // The detail breaks between the counters and the reset first, then between words; it continues in its own
    // column, or under the bar when its column is too narrow to read (then it starts on the next line too).
    const roomy = width - detailCol >= MIN_DETAIL
    const hang = roomy ? detailCol : barCol
    const texts = pieces.map((p, k) => (k < pieces.length - 1 ? `${p} ·` : p))
    const [first, ...rest] = roomy ? texts : [null, ...texts]
    if (first === null || first === undefined)
      lines.push(line([{ text: spaces(stacked ? 4 : 2), style: null }, ...head]))
    else
      lines.push(...prose([...head, { text: "  ", style: null }, { text: first, style: "dim" }], stacked ? 4 : 2, hang))
    for (const t of rest) if (t !== null) lines.push(...prose([{ text: t, style: "dim" }], hang))
  }
  if (w.tools !== null) lines.push(...prose(toolSpans(w.tools), barCol))
  if (w.note !== null) lines.push(...prose([{ text: `note: ${w.note}`, style: "yellow" }], barCol))
  return lines
}
