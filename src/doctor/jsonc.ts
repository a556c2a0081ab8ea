// JSONC as OpenCode writes it: JSON with // and /* */ comments and trailing commas. Strings are kept intact (a "//"
// inside a URL is not a comment). Pure; never throws.

/** The text without comments and trailing commas, ready for JSON.parse; null for an unterminated comment. */
export function stripJsonc(text: string): string | null {
  let out = ""
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text[i]!
    if (c === '"') {
      let j = i + 1
      while (j < n && text[j] !== '"') j += text[j] === "\\" ? 2 : 1
      out += text.slice(i, j + 1)
      i = j + 1
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < n && text[i] !== "\n") i++
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2)
      if (end < 0) return null
      out += " "
      i = end + 2
    } else {
      out += c
      i++
    }
  }
  return removeTrailingCommas(out)
}

/** Drops a comma followed (after whitespace) by } or ]; strings are skipped. */
function removeTrailingCommas(text: string): string {
  let out = ""
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (c === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1
      out += text.slice(i, j + 1)
      i = j + 1
      continue
    }
    if (c === ",") {
      let j = i + 1
      while (j < text.length && /\s/.test(text[j]!)) j++
      if (text[j] === "}" || text[j] === "]") {
        i++
        continue
      }
    }
    out += c
    i++
  }
  return out
}

export type ParsedConfig = { ok: true; value: Record<string, unknown> } | { ok: false; problem: string }

/** A config file's text as an object, or why it is not one. */
export function parseConfig(text: string): ParsedConfig {
  const stripped = stripJsonc(text.replace(/^\uFEFF/, ""))
  if (stripped === null) return { ok: false, problem: "has an unterminated /* comment" }
  let value: unknown
  try {
    value = JSON.parse(stripped)
  } catch {
    return { ok: false, problem: "is not valid JSON or JSONC" }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { ok: false, problem: `is ${Array.isArray(value) ? "an array" : "not an object"}, not a config object` }
  return { ok: true, value: value as Record<string, unknown> }
}
