// The report for a terminal, with ANSI colours when asked for.
import type { Report } from "./types.ts"
import { viewReport, type ViewContext } from "./view.ts"

const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const
type Style = keyof typeof CODES

export function renderTerminal(report: Report, ctx: ViewContext & { color: boolean; warnAt?: number; dangerAt?: number }): string {
  const paint = (s: string, style: Style) => (ctx.color ? `\x1b[${CODES[style][0]}m${s}\x1b[${CODES[style][1]}m` : s)
  const level = (p: number | null): Style => (p === null ? "dim" : p >= (ctx.dangerAt ?? 95) ? "red" : p >= (ctx.warnAt ?? 80) ? "yellow" : "green")
  const v = viewReport(report, ctx)
  const out: string[] = [`${paint(v.title, "bold")}  ${paint(`${v.region} · ${v.updated}`, "dim")}`]
  if (v.stale !== null) out.push(paint(`! ${v.stale}`, "yellow"))
  out.push("")
  const width = Math.max(8, ...v.windows.map((w) => w.title.length))
  for (const w of v.windows) {
    const pct = w.percentText.padStart(5)
    const detail = [w.counters, w.reset].filter((x) => x !== null).join(" · ")
    out.push(`  ${w.title.padEnd(width)}  ${paint(w.bar, level(w.percent))} ${paint(pct, level(w.percent))}  ${paint(detail, "dim")}`)
    if (w.tools !== null) out.push(`  ${" ".repeat(width)}  ${paint(w.tools, "dim")}`)
    if (w.note !== null) out.push(`  ${" ".repeat(width)}  ${paint(`note: ${w.note}`, "yellow")}`)
  }
  if (v.windows.length === 0) out.push("  The API reported no quota windows.")
  out.push("", `  ${paint(v.peak, v.peakActive ? "yellow" : "dim")}`)
  out.push(`  Model: ${paint(v.model, "cyan")} — ${v.modelReason}`)
  if (v.local !== null) out.push("", `  ${paint("This machine's record (the figures above are account-wide):", "bold")}`, ...v.local.map((l) => `  ${l}`))
  if (v.history !== null) out.push("", ...v.history.map((l) => `  ${l}`))
  return out.join("\n") + "\n"
}
