// Where OpenCode 1.18.33 puts things, as its TUI lays them out (read from the binary; test/e2e/FINDINGS.md §5): how
// wide the home screen's bottom slot and a session's prompt footer are, and when the session sidebar shows. Pure: the
// terminal's width and OpenCode's own settings come in.

/** The session sidebar's width, and the terminal width above which it shows by itself ("sidebar": "auto"). */
export const SIDEBAR_COLUMNS = 42
export const SIDEBAR_AUTO_ABOVE = 120

/** Whether a session shows its sidebar: not in a subagent's session, and with "auto" only on a wide terminal. */
export function sidebarShown(width: number, setting: unknown, subagent: boolean): boolean {
  if (subagent) return false
  return (setting ?? "auto") === "auto" && width > SIDEBAR_AUTO_ABOVE
}

/** Columns for a line under the home screen's prompt: the screen less its padding (2 each side). */
export function homeRoom(width: number): number {
  return Math.max(0, width - 4)
}

/** What the footer at the left of a session's prompt shows: "Build · GLM-5.3 Z.AI Coding Plan" (and a variant). */
export interface FooterLeft {
  agent: string
  model: string
  provider: string
  variant?: string | null
}

/** Columns the footer's left part takes: agent, "·", model, provider, each one column apart. */
export function footerLeftWidth(f: FooterLeft): number {
  const parts = [f.agent, "·", f.model, f.provider]
  if (f.variant) parts.push("·", f.variant)
  return parts.reduce((n, p) => n + [...p].length, 0) + parts.length - 1
}

/**
 * Columns left for our line at the right of a session's prompt footer: the session's width (the screen less 4, less
 * the sidebar when it shows), less the prompt's border and padding (3), less the footer's left part and the gap
 * between (1), less one column to spare.
 */
export function sessionPromptRoom(width: number, sidebar: boolean, footerLeft: number): number {
  const session = width - 4 - (sidebar ? SIDEBAR_COLUMNS : 0)
  return Math.max(0, session - 3 - footerLeft - 2)
}

/** A "large" dialog is 88 columns wide, at most the screen less 2; its text has 2 columns of padding each side. */
export const DIALOG_COLUMNS = 88

/**
 * The room for a DialogAlert's message on a `width` x `height` screen: the dialog's columns less its padding; rows
 * below the dialog's top margin (a quarter of the screen) less the title row, the button row and their padding and gaps
 * (7), so the "ok" row and the padding under it stay on screen.
 */
export function dialogRoom(width: number, height: number): { columns: number; rows: number } {
  const columns = Math.min(DIALOG_COLUMNS, width - 2) - 4
  return { columns: Math.max(20, columns), rows: Math.max(4, height - Math.ceil(height / 4) - 7) }
}
