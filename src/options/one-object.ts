// OpenCode 2 hands one options object (`{ "package": …, "options": {…} }` in `plugins`) to both halves, where 1.x
// has opencode.json for the server half and tui.json for the TUI half. Each half reads the names it knows and leaves
// the other half's to it; a name neither knows is still reported (by each half, in its own way).
import { parseOptions, SERVER_OPTION_NAMES } from "./server.ts"
import { parseTuiOptions, TUI_OPTION_NAMES } from "./tui.ts"

function without(input: unknown, names: readonly string[]): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input
  return Object.fromEntries(Object.entries(input).filter(([k]) => !names.includes(k)))
}

/** The options the server half reads: all but the TUI half's own. */
export const serverOptionsOf = (input: unknown): unknown =>
  without(
    input,
    TUI_OPTION_NAMES.filter((n) => !SERVER_OPTION_NAMES.includes(n)),
  )

/** The options the TUI half reads: all but the server half's own. */
export const tuiOptionsOf = (input: unknown): unknown =>
  without(
    input,
    SERVER_OPTION_NAMES.filter((n) => !TUI_OPTION_NAMES.includes(n)),
  )

/** What is wrong in one object for both halves (a 2.x `plugins` entry): each problem once. */
export function problemsOfBoth(input: unknown): string[] {
  const server = parseOptions(serverOptionsOf(input)).problems
  const tui = parseTuiOptions(tuiOptionsOf(input)).problems
  return [...new Set([...server, ...tui])]
}
