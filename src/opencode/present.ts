// What the plugin says: the report for /glm-quota and the tools, and the clocks used in toasts.
import { renderJson } from "../core/render-json.ts"
import { renderMarkdown } from "../core/render-markdown.ts"
import type { QuotaWindow, Report, WindowKind } from "../core/types.ts"
import { twoClocks, viewReport } from "../core/view.ts"
import type { Clocks } from "../core/warnings.ts"
import type { CachedResult } from "../zai/cache.ts"
import type { QuotaService } from "./service.ts"

export function clocks(service: QuotaService, localTz: () => string): Clocks {
  return { twoClocks: (iso) => twoClocks(iso, service.settings.peak.timeZone, localTz(), service.now()) }
}

export type ReportFormat = "markdown" | "full" | "json"

export function parseCommandArgs(args: string): ReportFormat {
  const a = args.trim().toLowerCase()
  if (a === "json" || a === "--json") return "json"
  if (a === "full" || a === "--full") return "full"
  return "markdown"
}

/** The text /glm-quota posts: the report, or the one sentence of a failure. */
export async function commandText(service: QuotaService, format: ReportFormat, localTz: string): Promise<string> {
  const res = await service.get(format === "full")
  return renderResult(service, res, format, localTz)
}

export const FAILURE_PREFIX = "**glm-quota:** "

export function renderResult(service: QuotaService, res: CachedResult, format: ReportFormat, localTz: string): string {
  if (!res.ok) return `${FAILURE_PREFIX}${res.error.message}`
  const report = service.report({ snapshot: res.value, stale: res.stale, error: res.error ?? null })!
  if (format === "json") return "```json\n" + renderJson(report) + "```"
  return renderMarkdown(report, {
    now: service.now(),
    localTimeZone: localTz,
    peakTimeZone: service.settings.peak.timeZone,
    planLabel: res.value.planLabel,
    staleReason: res.error?.message ?? null,
    history: format === "full" ? (res.value.usage ?? null) : null,
  })
}

/** One window in a line, for an agent deciding whether to start heavy work. */
export function windowLine(report: Report, kind: WindowKind, localTz: string, now: Date): string {
  const v = viewReport(report, { now, localTimeZone: localTz })
  const idx = report.windows.findIndex((w: QuotaWindow) => w.kind === kind)
  const w = v.windows[idx]
  if (idx < 0 || w === undefined) return `The API reported no ${kind} window for this plan.`
  const note = w.note === null ? null : `note: ${w.note}`
  return [`${w.title}: ${w.percentText} used`, w.counters, w.reset, w.tools, note].filter((x) => x !== null).join("; ") + (report.stale ? " (stale)" : "")
}
