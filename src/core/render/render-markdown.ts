// The report as Markdown, for OpenCode sessions. Text that came from a server (plan label, window types, tool and model
// names) is already cleaned of control characters; here it is escaped so that it cannot change the formatting.
import { markdownSafe as md } from "../text/sanitize.ts"
import { viewReport, type ViewContext } from "./view.ts"
import type { Report } from "../report/report.ts"

export function renderMarkdown(report: Report, ctx: ViewContext): string {
  const v = viewReport(report, ctx)
  const out: string[] = [`**${md(v.title)}** · ${v.region} · ${v.updated}`, ""]
  if (v.stale !== null) out.push(`> ⚠ ${v.stale}`, "")
  for (const w of v.windows) {
    const parts = [`**${md(w.title)}** \`${w.bar}\` ${w.percent === null ? w.percentText : `${w.percentText} used`}`]
    if (w.counters !== null) parts.push(w.counters)
    if (w.reset !== null) parts.push(w.reset)
    out.push(`- ${parts.join(" · ")}`)
    if (w.tools !== null) out.push(`  - ${md(w.tools)}`)
    if (w.note !== null) out.push(`  - note: ${md(w.note)}`)
  }
  if (v.windows.length === 0) out.push(`- ${v.account ?? "The API reported no quota windows."}`)
  if (v.turns !== null)
    out.push(
      "",
      "**Turns and pace** (credits by Z.ai's formula from this machine's turns):",
      ...v.turns.map((l) => `- ${md(l)}`),
    )
  if (v.resetCard !== null) out.push("", v.resetCard)
  out.push("", `${v.peakActive ? "⏰ " : ""}${v.peak}`, "", `**Model:** ${md(v.model)} — ${md(v.modelReason)}`)
  if (v.local !== null) {
    out.push(
      "",
      "**This machine's record** (OpenCode sessions here; the figures above are account-wide):",
      ...v.local.map((l) => `- ${l}`),
    )
  }
  if (v.history !== null) {
    // Inside the fence nothing is formatting, but a run of backticks in a model name could close it.
    out.push("", "```", ...v.history.map((l) => l.replace(/`{3,}/g, "'''")), "```")
  }
  return out.join("\n")
}
