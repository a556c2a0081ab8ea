// Text from a server or a relay (messages, plan, tool and model names) is untrusted: before it reaches a terminal, a
// toast, a TUI line or Markdown it loses everything that could move the cursor, retitle the window, reorder the line
// or hide characters, and it is cut to a length no layout has to fear. Pure.

/** Tool, model, plan and product names: longer than any real one (e.g. "GLM Coding Max", "glm-5.3-highspeed"). */
export const MAX_NAME = 64
/** A server message as quoted in one sentence. */
export const MAX_MESSAGE = 160
/**
 * What is kept of a server message while it is parsed. Larger than MAX_MESSAGE on purpose: the key is redacted from
 * this text before it is cut to MAX_MESSAGE, so a key the server echoed across the cut cannot survive in part.
 */
export const MAX_SERVER_TEXT = 1024

// Whole escape sequences, so that no parameter bytes ("[2J", "]0;title") are left behind as text:
// OSC, DCS, SOS, PM, APC strings (7-bit and C1 introducers) up to their terminator or the end of the text,
// CSI sequences (7-bit and C1), and every other ESC sequence (intermediates and a final byte, or a lone ESC).
const STRING_SEQUENCE =
  /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?/g
const CSI_SEQUENCE = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?/g
const OTHER_ESCAPE = /\u001b[ -/]*[0-~]?/g
/** Line breaks and tabs of every kind (incl. NEL, LS, PS): a single space, so words stay apart. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g
/** C0, DEL, C1; bidi embeddings, overrides and isolates (and ALM); zero-width characters and marks; BOM. */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g
/** Surrogates without their partner: not text, and a terminal shows them as replacement characters at best. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
const ELLIPSIS = "…"

/** `text` at most `max` code points long, ending in "…" when cut; a surrogate pair is never split. */
export function capText(text: string, max: number): string {
  if (max <= 0) return ""
  const points = Array.from(text)
  if (points.length <= max) return text
  return (
    points
      .slice(0, max - 1)
      .join("")
      .trimEnd() + ELLIPSIS
  )
}

/**
 * An untrusted string made safe for one line of output: escape sequences and invisible or reordering characters
 * removed, breaks and runs of whitespace collapsed to one space, trimmed, at most `max` code points.
 */
export function cleanText(value: string, max: number): string {
  const visible = value
    .replace(STRING_SEQUENCE, "")
    .replace(CSI_SEQUENCE, "")
    .replace(OTHER_ESCAPE, "")
    .replace(BREAKS, " ")
    .replace(INVISIBLE, "")
    .replace(LONE_SURROGATE, "")
    .replace(/\s+/g, " ")
    .trim()
  return capText(visible, max)
}

/** Characters that would start code, emphasis, a link, HTML or a table cell in Markdown (and the escape itself). */
const MARKDOWN_SPECIAL = /[\\`*_[\]<>|]/g

/** Backslash-escapes the characters of a (cleaned) name that would change Markdown formatting. For renderers. */
export function markdownSafe(text: string): string {
  return text.replace(MARKDOWN_SPECIAL, "\\$&")
}
