// The thin part: lines of coloured segments (widget-lines.ts) → OpenTUI elements. No JSX, no logic.
import { createElement, insert, setProp } from "@opentui/solid"
import type { Line, Tone } from "./segments.ts"

/** The theme colours the widget uses (RGBA values of the current OpenCode theme). */
export type Palette = Record<"text" | "textMuted" | "success" | "warning" | "error" | "accent", unknown>

const COLOR: Record<Tone, keyof Palette> = {
  text: "text",
  muted: "textMuted",
  ok: "success",
  warn: "warning",
  danger: "error",
  accent: "accent",
}

function spans(line: Line, palette: Palette): object[] {
  return line.map((s) => {
    const span = createElement(s.bold ? "b" : "span")
    insert(span, s.text)
    setProp(span, "style", { fg: palette[COLOR[s.tone]] })
    return span
  })
}

function lineElement(line: Line, palette: Palette): object {
  const text = createElement("text")
  setProp(text, "wrapMode", "none")
  insert(text, spans(line, palette))
  return text
}

/** A column whose lines are rebuilt whenever the signals `lines` reads change. */
export function linesBox(lines: () => { lines: Line[]; palette: Palette }): object {
  const box = createElement("box")
  setProp(box, "flexDirection", "column")
  insert(box, () => {
    const { lines: ls, palette } = lines()
    return ls.map((l) => lineElement(l, palette))
  })
  return box
}

/**
 * One line under the home screen's prompt: a row below OpenCode's own hint line ("tab agents  ctrl+p commands"),
 * which the prompt draws over the row right under it.
 */
export function homeLineBox(line: () => { line: Line; palette: Palette }): object {
  const box = createElement("box")
  setProp(box, "paddingTop", 1)
  setProp(box, "flexShrink", 0)
  insert(box, lineBox(line))
  return box
}

/** One line (a text element) whose spans are rebuilt whenever the signals `line` reads change. */
export function lineBox(line: () => { line: Line; palette: Palette }): object {
  const text = createElement("text")
  setProp(text, "wrapMode", "none")
  insert(text, () => {
    const { line: l, palette } = line()
    return spans(l, palette)
  })
  return text
}
