// The full report for the TUI's /glm-quota dialog: a title and plain lines (the dialog draws text, not Markdown).
// Pure: built from the same neutral view as the CLI and the server command.
import type { QuotaError } from "../core/types.ts"
import { viewReport } from "../core/render/view.ts"
import { openCodeAdvice } from "../core/text/vocabulary.ts"
import type { Report } from "../core/report/report.ts"

export interface DialogText {
  title: string
  message: string
}

export interface DialogContext {
  now: Date
  localTimeZone: string
  peakTimeZone?: string
  planLabel?: string | null
  staleReason?: string | null
}

export function reportDialog(report: Report, ctx: DialogContext): DialogText {
  const v = viewReport(report, {
    now: ctx.now,
    localTimeZone: ctx.localTimeZone,
    peakTimeZone: ctx.peakTimeZone,
    planLabel: ctx.planLabel ?? null,
    staleReason: ctx.staleReason == null ? null : openCodeAdvice(ctx.staleReason),
  })
  const out: string[] = [`${v.region} · ${v.updated}`]
  if (v.stale !== null) out.push(`! ${v.stale}`)
  out.push("")
  const width = Math.max(6, ...v.windows.map((w) => w.title.length))
  const indent = " ".repeat(width + 2)
  for (const w of v.windows) {
    out.push(`${w.title.padEnd(width)}  ${w.bar} ${w.percentText.padStart(5)}`)
    const detail = [w.counters, w.reset].filter((x) => x !== null).join(" · ")
    if (detail !== "") out.push(`${indent}${detail}`)
    if (w.tools !== null) out.push(`${indent}${w.tools}`)
    if (w.note !== null) out.push(`${indent}note: ${w.note}`)
  }
  if (v.windows.length === 0) out.push(v.account ?? "The API reported no quota windows.")
  if (v.turns !== null) out.push("", ...v.turns)
  out.push("", v.peak, "", `Model: ${v.model} — ${v.modelReason}`)
  const local = (v as { local?: string[] | null }).local
  if (Array.isArray(local) && local.length > 0) out.push("", ...local)
  return { title: v.title, message: out.join("\n") }
}

/** The dialog when there is no report: the one sentence of the failure, which says what to do — OpenCode's way. */
export function problemDialog(error: QuotaError): DialogText {
  return { title: "GLM Coding Plan quota", message: openCodeAdvice(error.message) }
}
