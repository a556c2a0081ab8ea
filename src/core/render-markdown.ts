// The report as Markdown, for OpenCode sessions.
import type { Report } from "./types.ts"
import { viewReport, type ViewContext } from "./view.ts"

export function renderMarkdown(report: Report, ctx: ViewContext): string {
  const v = viewReport(report, ctx)
  const out: string[] = [`**${v.title}** · ${v.region} · ${v.updated}`, ""]
  if (v.stale !== null) out.push(`> ⚠ ${v.stale}`, "")
  for (const w of v.windows) {
    const parts = [`**${w.title}** \`${w.bar}\` ${w.percentText} used`]
    if (w.counters !== null) parts.push(w.counters)
    if (w.reset !== null) parts.push(w.reset)
    out.push(`- ${parts.join(" · ")}`)
    if (w.tools !== null) out.push(`  - ${w.tools}`)
    if (w.note !== null) out.push(`  - note: ${w.note}`)
  }
  if (v.windows.length === 0) out.push("- The API reported no quota windows.")
  if (v.resetCard !== null) out.push("", v.resetCard)
  out.push("", `${v.peakActive ? "⏰ " : ""}${v.peak}`, "", `**Model:** ${v.model} — ${v.modelReason}`)
  if (v.local !== null) {
    out.push("", "**This machine's record** (OpenCode sessions here; the figures above are account-wide):", ...v.local.map((l) => `- ${l}`))
  }
  if (v.history !== null) {
    out.push("", "```", ...v.history, "```")
  }
  return out.join("\n")
}
