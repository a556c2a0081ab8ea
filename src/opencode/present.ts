// What the server half says: the report for /glm-quota and the tools, one window in a line, the clocks of toasts.
// Presenters are handed a finished report; they compute nothing.
import { renderJson } from "../core/render/render-json.ts"
import { renderMarkdown } from "../core/render/render-markdown.ts"
import { renderTerminal } from "../core/render/render-terminal.ts"
import type { WindowKind } from "../core/types.ts"
import { clocksFor, viewReport } from "../core/render/view.ts"
import { openCodeAdvice } from "../core/text/vocabulary.ts"
import type { Clocks } from "../core/report/warnings.ts"
import { renderChecks } from "../doctor/index.ts"
import type { Check } from "../doctor/types.ts"
import type { CachedResult } from "../zai/cache.ts"
import type { Report } from "../core/report/report.ts"

/** Where and when the report is read: the clock, the user's zone, the schedule's zone. */
export interface ViewAt {
  now: Date
  localTimeZone: string
  peakTimeZone: string
}

/** The clocks toasts and reports say times in (core/render/view.ts; kept here for the callers of this module). */
export { clocksFor }

export type ReportFormat = "markdown" | "full" | "json"

/** What `/glm-quota ARGS` asks for: a report in a format, or the set-up doctor's checks. */
export function parseCommandArgs(args: string): ReportFormat | "doctor" {
  const a = args.trim().toLowerCase()
  if (a === "doctor" || a === "--doctor") return "doctor"
  if (a === "json" || a === "--json") return "json"
  if (a === "full" || a === "--full") return "full"
  return "markdown"
}

export const FAILURE_PREFIX = "**glm-quota:** "

/**
 * How a posted text is written: Markdown (the agent tools, OpenCode 2's synthetic messages), or plain lines for
 * OpenCode 1.18.33's user messages — its TUI draws a user message's text as it is, `**` and `- ` included — wrapped
 * to PLAIN_COLUMNS with hanging indents, so they read the same in an 80-column TUI, in `opencode run` and over the API.
 */
export type TextStyle = "markdown" | "plain"
export const PLAIN_COLUMNS = 72
export const PLAIN_PREFIX = "glm-quota: "
export const prefixOf = (style: TextStyle): string => (style === "plain" ? PLAIN_PREFIX : FAILURE_PREFIX)

/** An error sentence as OpenCode's chat and toasts say it: the plugin option or provider id, not a CLI flag. */
export const inOpenCode = (message: string): string => openCodeAdvice(message)

/** The text /glm-quota (and glm_quota) posts: the report of a reading, or the one sentence of a failure. */
export function reportText(
  res: CachedResult,
  report: Report | null,
  format: ReportFormat,
  at: ViewAt,
  style: TextStyle = "markdown",
): string {
  if (!res.ok || report === null)
    return `${prefixOf(style)}${res.ok ? "the report could not be made just now: try again in a minute." : inOpenCode(res.error.message)}`
  if (format === "json")
    return style === "plain" ? renderJson(report).trimEnd() : "```json\n" + renderJson(report) + "```"
  const ctx = {
    ...at,
    planLabel: res.value.planLabel,
    staleReason: res.error ? inOpenCode(res.error.message) : null,
    history: format === "full" ? (res.value.usage ?? null) : null,
  }
  if (style === "plain") return renderTerminal(report, { ...ctx, color: false, width: PLAIN_COLUMNS }).trimEnd()
  return renderMarkdown(report, ctx)
}

/** One window in a line, for an agent deciding whether to start heavy work. */
export function windowLine(report: Report, kind: WindowKind, at: ViewAt): string {
  const idx = report.windows.findIndex((w) => w.kind === kind)
  if (idx < 0)
    return kind === "mcp_monthly"
      ? "MCP tools (month): not reported by this plan."
      : `The API reported no ${kind} window for this plan.`
  const w = viewReport({ ...report, windows: [report.windows[idx]!] }, at).windows[0]!
  const note = w.note === null ? null : `note: ${w.note}`
  return (
    [`${w.title}: ${w.percentText} used`, w.counters, w.reset, w.tools, note].filter((x) => x !== null).join("; ") +
    (report.stale ? " (stale)" : "")
  )
}

const MARK = { ok: "✓", warn: "⚠", fail: "✗" } as const

/** The doctor's checks as /glm-quota doctor posts them: ✓ / ⚠ / ✗, what was found, and for ⚠ / ✗ what to do. */
export function checksText(
  checks: readonly Check[],
  note: string | null = null,
  style: TextStyle = "markdown",
): string {
  if (style === "plain") {
    const said = checks.map((c) => ({ ...c, found: inOpenCode(c.found), fix: inOpenCode(c.fix) }))
    const text = `glm-quota doctor\n\n${renderChecks(said, PLAIN_COLUMNS).trimEnd()}`
    return note === null ? text : `${text}\n\n${note}`
  }
  const lines = ["**glm-quota doctor**", ""]
  for (const c of checks) {
    lines.push(`- ${MARK[c.status]} ${inOpenCode(c.found)}`)
    if (c.status !== "ok" && c.fix !== "") lines.push(`  → ${inOpenCode(c.fix)}`)
  }
  if (note !== null) lines.push("", note)
  return lines.join("\n")
}
