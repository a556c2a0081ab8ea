// What the agent tools do: glm_quota (the quota, or one window) and glm_model (the model for this plan right now).
// Their names and descriptions are tool-meta.ts, their argument schemas tool-defs.ts.
import type { ToolDefinition } from "@opencode-ai/plugin"
import type { WindowKind } from "../core/types.ts"
import { readingOf, type QuotaService } from "../quota/service.ts"
import { inOpenCode, reportText, windowLine, type ViewAt } from "./present.ts"
import { defineTools } from "./tool-defs.ts"
import type { ToolName, ToolRunners } from "./tool-meta.ts"

export { TOOL_NAMES } from "./tool-meta.ts"

export function toolRunners(service: QuotaService, at: () => ViewAt): ToolRunners {
  return {
    async glm_quota(args) {
      try {
        const res = await service.get()
        const report = res.ok ? service.reportOf(readingOf(res)) : null
        if (report === null || args.window === undefined || args.window === "all")
          return reportText(res, report, "markdown", at())
        return windowLine(report, args.window as WindowKind, at())
      } catch {
        return "glm-quota could not read the quota just now: try again in a minute."
      }
    },
    async glm_model() {
      try {
        const res = await service.get()
        if (!res.ok)
          return `glm-4.7 — the quota could not be read (${inOpenCode(res.error.message)}); GLM-4.7 is on every plan.`
        const report = service.reportOf(readingOf(res), false)
        const plan = report.plan === null ? "unknown plan" : `${report.plan} plan`
        const rec = report.recommendation
        return `${rec.model} (${rec.class === "glm-5" ? "GLM-5" : "GLM-4.7"} class) — ${rec.reason} (${plan}${report.stale ? ", stale data" : ""})`
      } catch {
        return "glm-4.7 — glm-quota could not decide just now; GLM-4.7 is on every plan."
      }
    },
  }
}

export function tools(service: QuotaService, at: () => ViewAt): Record<ToolName, ToolDefinition> {
  return defineTools(toolRunners(service, at))
}
