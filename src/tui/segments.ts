// A line of the TUI as coloured segments: the words and their tone; the renderers map tones to theme colours.

export type Tone = "text" | "muted" | "ok" | "warn" | "danger" | "accent"

export interface Segment {
  text: string
  tone: Tone
  bold?: boolean
}

export type Line = Segment[]
