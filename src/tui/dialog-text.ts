// The full report for the TUI's /glm-quota dialog: a title and plain lines (the dialog draws text, not Markdown),
// laid out for the dialog's box — each line wrapped to its columns with a hanging indent, no word split, and the
// least needed lines left out when the box has fewer rows than the report, so the dialog's "ok" stays on screen.
// Pure: built from the same neutral view as the CLI and the server command.
import type { QuotaError, UsageHistory } from "../core/types.ts"
import type { Report } from "../core/report/report.ts"
import { viewReport, type WindowView } from "../core/render/view.ts"
import { openCodeAdvice, windowName } from "../core/text/vocabulary.ts"
import { wrapSpans, type Span } from "../core/text/wrap.ts"

export interface DialogText {
  title: string
  message: string
}

/** The room for a dialog's message: its columns, and how many rows fit with the title and the button on screen. */
export interface DialogBox {
  columns: number
  rows: number
}

/** Without a box: the widest message OpenCode's "large" dialog has (88 columns less its padding), rows unbounded. */
export const WIDE_BOX: DialogBox = { columns: 84, rows: Number.POSITIVE_INFINITY }

export interface DialogContext {
  now: Date
  localTimeZone: string
  peakTimeZone?: string
  planLabel?: string | null
  staleReason?: string | null
  /** Where the message goes (default WIDE_BOX). */
  box?: DialogBox
  /** The last 24 hours of usage (`/glm-quota full`): shown before the peak and the model, which then give way. */
  history?: UsageHistory | null
}

// A separator stays with the words before it ("·", "—"), a short parenthesis stays whole: "(in 18d 3h)".
const GLUE = / [\u00b7\u2014]|\([^()\s][^()]{0,20}\)/g

/** `text` wrapped to `columns`, the first line after `first`, the others after `hang`; separators kept with words. */
export function wrapProse(text: string, columns: number, first = "", hang = first): string[] {
  const spans: Span<null>[] = []
  let at = 0
  for (const m of text.matchAll(GLUE)) {
    spans.push({ text: text.slice(at, m.index), style: null }, { text: m[0], style: null, keep: true })
    at = m.index + m[0].length
  }
  spans.push({ text: text.slice(at), style: null })
  return wrapSpans(spans, columns, { firstIndent: first, indent: hang }).map((l) => l.map((s) => s.text).join(""))
}

/** Lines that go together, and how readily they are left out when rows are short (0: never; higher: sooner). */
interface Block {
  lines: string[]
  drop: number
}

/**
 * The blocks' lines within `rows`: the blocks most readily dropped go first (the lowest on screen first among equals);
 * a separating blank line goes before anything else, and never stays at the top or bottom or next to another.
 */
export function fitBlocks(blocks: readonly Block[], rows: number): string[] {
  const kept = blocks.filter((b) => b.lines.length > 0)
  const count = () => kept.reduce((n, b) => n + b.lines.length, 0)
  while (count() > rows) {
    let worst = -1
    kept.forEach((b, i) => {
      if (b.drop > 0 && (worst < 0 || b.drop >= kept[worst]!.drop)) worst = i
    })
    if (worst < 0) break
    kept.splice(worst, 1)
  }
  const out = kept.flatMap((b) => b.lines)
  while (out[0] === "") out.shift()
  while (out[out.length - 1] === "") out.pop()
  return out.filter((l, i) => l !== "" || out[i - 1] !== "")
}

const BLANK: Block = { lines: [""], drop: 9 }

function windowBlocks(windows: readonly WindowView[], columns: number): Block[] {
  const width = Math.max(6, ...windows.map((w) => w.title.length))
  const indent = " ".repeat(width + 2)
  return windows.flatMap((w): Block[] => {
    const head = `${w.title.padEnd(width)}  ${w.bar} ${w.percentText.padStart(5)}`
    const detail = [w.counters, w.reset].filter((x) => x !== null).join(" · ")
    // The 5-hour and weekly windows' resets always show; the MCP row's details give way before the peak does.
    const main = w.title === windowName("five_hour") || w.title === windowName("weekly")
    const details = detail === "" ? [] : wrapProse(detail, columns, indent)
    const blocks: Block[] = main ? [{ lines: [head, ...details], drop: 0 }] : [{ lines: [head], drop: 0 }]
    if (!main && details.length > 0) blocks.push({ lines: details, drop: 3 })
    if (w.tools !== null) blocks.push({ lines: wrapProse(w.tools, columns, indent), drop: 6 })
    if (w.note !== null) blocks.push({ lines: wrapProse(`note: ${w.note}`, columns, indent), drop: 5 })
    return blocks
  })
}

export function reportDialog(report: Report, ctx: DialogContext): DialogText {
  const box = ctx.box ?? WIDE_BOX
  const cols = box.columns
  const v = viewReport(report, {
    now: ctx.now,
    localTimeZone: ctx.localTimeZone,
    peakTimeZone: ctx.peakTimeZone,
    planLabel: ctx.planLabel ?? null,
    staleReason: ctx.staleReason == null ? null : openCodeAdvice(ctx.staleReason),
    history: ctx.history ?? null,
  })
  const full = v.history !== null
  const blocks: Block[] = []
  // The "!" hangs in the margin: a wrapped stale reason continues under its first word.
  if (v.stale !== null) blocks.push({ lines: wrapProse(`! ${v.stale}`, cols, "", "  "), drop: 0 }, BLANK)
  blocks.push(...windowBlocks(v.windows, cols))
  if (v.windows.length === 0)
    blocks.push({ lines: wrapProse(v.account ?? "The API reported no quota windows.", cols), drop: 0 })
  if (v.history !== null) blocks.push(BLANK, { lines: v.history.flatMap((l) => wrapProse(l, cols, "", "  ")), drop: 1 })
  if (v.turns !== null) blocks.push(BLANK, { lines: v.turns.flatMap((l) => wrapProse(l, cols, "", "  ")), drop: 7 })
  if (v.resetCard !== null) blocks.push(BLANK, { lines: wrapProse(v.resetCard, cols), drop: 4 })
  // The peak gives way last but one (the model's reason names a peak in force too); with `full`, before the history.
  blocks.push(BLANK, { lines: wrapProse(v.peak, cols), drop: full ? 3 : 2 })
  const model = `Model: ${v.model} — ${v.modelReason}`
  blocks.push(BLANK, { lines: wrapProse(model, cols, "", "       "), drop: full ? 3 : 0 })
  if (v.local !== null && v.local.length > 0)
    blocks.push(BLANK, { lines: v.local.flatMap((l) => wrapProse(l, cols, "", "  ")), drop: 8 })
  // The source and the reading's age go in the title row, beside the plan: one row less for the figures.
  return { title: `${v.title} · ${v.region} · ${v.updated}`, message: fitBlocks(blocks, box.rows).join("\n") }
}

/** The dialog when there is no report: the one sentence of the failure, which says what to do — OpenCode's way. */
export function problemDialog(error: QuotaError, box: DialogBox = WIDE_BOX): DialogText {
  return { title: "GLM Coding Plan quota", message: wrapProse(openCodeAdvice(error.message), box.columns).join("\n") }
}
