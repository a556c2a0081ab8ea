// Word wrapping to a terminal width, styled spans kept whole where asked. Pure. Widths: width.ts.
import { clusters, displayWidth, type Cluster } from "./width.ts"

/** A run of text in one style. `keep` makes its spaces unbreakable (a sparkline with gaps stays whole). */
export interface Span<S> {
  text: string
  style: S | null
  keep?: boolean
}

export interface WrapOptions {
  /** Put before every line; a plain prefix, no colour. */
  indent?: string
  /** Put before the first line instead of `indent` (default: `indent`). */
  firstIndent?: string
}

interface Cell<S> extends Cluster {
  style: S | null
  space: boolean
}

/** Merges neighbours of one style (cells or spans), so that each line paints each style once. */
function toSpans<S>(parts: readonly { text: string; style: S | null }[]): Span<S>[] {
  const out: Span<S>[] = []
  for (const c of parts) {
    if (c.text === "") continue
    const last = out[out.length - 1]
    if (last !== undefined && last.style === c.style) last.text += c.text
    else out.push({ text: c.text, style: c.style })
  }
  return out
}

function wrapParagraph<S>(cells: readonly Cell<S>[], width: number, first: string, indent: string): Cell<S>[][] {
  const plain = (s: string): Cell<S>[] =>
    s === "" ? [] : [{ text: s, width: displayWidth(s), style: null, space: false }]
  const lines: Cell<S>[][] = []
  let line = plain(first)
  let used = displayWidth(first)
  let placed = 0
  let gap: Cell<S>[] = []
  let gapWidth = 0
  const newLine = () => {
    lines.push(line)
    line = plain(indent)
    used = displayWidth(indent)
    placed = 0
    gap = []
    gapWidth = 0
  }
  const put = (cs: readonly Cell<S>[], w: number) => {
    line.push(...cs)
    used += w
    placed += cs.length
  }
  let i = 0
  while (i < cells.length) {
    const space = cells[i]!.space
    let j = i
    let w = 0
    while (j < cells.length && cells[j]!.space === space) w += cells[j++]!.width
    const run = cells.slice(i, j)
    i = j
    if (space) {
      // Spaces between words are kept as they are (two-space gaps stay two); at a break they are dropped.
      if (placed === 0 && lines.length === 0) put(run, w)
      else if (placed > 0) {
        gap = run
        gapWidth = w
      }
      continue
    }
    if (used + gapWidth + w <= width) {
      put([...gap, ...run], gapWidth + w)
      gap = []
      gapWidth = 0
      continue
    }
    if (placed > 0 && displayWidth(indent) + w <= width) {
      newLine()
      put(run, w)
      continue
    }
    // A word longer than any line: break it where the line is full, starting right after the gap (when its first
    // character fits there, so that no line ends in the gap's spaces).
    if (placed > 0) {
      if (used + gapWidth + run[0]!.width <= width) put(gap, gapWidth)
      else newLine()
      gap = []
      gapWidth = 0
    }
    for (const c of run) {
      // At least one cluster per line, so that an indent as wide as the line cannot stall the loop.
      if (used + c.width > width && placed > 0) newLine()
      put([c], c.width)
    }
  }
  lines.push(line)
  return lines
}

/**
 * Word-wraps styled spans to `width` columns. Breaks at spaces; a word longer than a line is broken between
 * characters (never inside a surrogate pair, a combining sequence or an SGR code). "\n" starts a new paragraph.
 * A text that already fits comes back as one line exactly as given, trailing spaces and all.
 */
export function wrapSpans<S>(spans: readonly Span<S>[], width: number, options: WrapOptions = {}): Span<S>[][] {
  const indent = options.indent ?? ""
  const first = options.firstIndent ?? indent
  const whole = spans.map((s) => s.text).join("")
  const head = (s: string): Span<S>[] => (s === "" ? [] : [{ text: s, style: null }])
  if (!whole.includes("\n") && displayWidth(first) + displayWidth(whole) <= width) {
    return [toSpans([...head(first), ...spans])]
  }
  const paragraphs: Cell<S>[][] = [[]]
  for (const s of spans) {
    const parts = s.text.split("\n")
    parts.forEach((part, k) => {
      if (k > 0) paragraphs.push([])
      for (const c of clusters(part))
        paragraphs[paragraphs.length - 1]!.push({ ...c, style: s.style, space: c.text === " " && s.keep !== true })
    })
  }
  return paragraphs.flatMap((p, k) => wrapParagraph(p, width, k === 0 ? first : indent, indent)).map(toSpans)
}

/** Word-wraps `text` to `width` columns; see wrapSpans. Returns the lines, prefixes included. */
export function wrapText(text: string, width: number, options: WrapOptions = {}): string[] {
  return wrapSpans([{ text, style: null }], width, options).map((line) => line.map((s) => s.text).join(""))
}
