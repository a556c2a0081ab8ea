// Agent tools: glm_quota (the quota, or one window) and glm_model (the model for this plan right now).
import type { ToolDefinition } from "@opencode-ai/plugin"
import { z } from "zod"
import type { WindowKind } from "../core/types.ts"
import { readingOf, type QuotaService } from "../quota/service.ts"
import { reportText, windowLine, type ViewAt } from "./present.ts"

export const TOOL_NAMES = ["glm_quota", "glm_model"] as const

/**
 * The plugin package's `tool()` is the identity and `tool.schema` is zod 4: building the definitions with our own
 * zod 4 keeps `@opencode-ai/plugin` a type-only (optional peer) dependency, so the installed plugin needs nothing
 * OpenCode does not already have. The end-to-end test proves the real binary reads these schemas.
 */
function tool<A extends z.ZodRawShape>(def: {
  description: string
  args: A
  execute: (args: z.infer<z.ZodObject<A>>, ctx: unknown) => Promise<string>
}): ToolDefinition {
  return def as unknown as ToolDefinition
}

export function tools(service: QuotaService, at: () => ViewAt): Record<(typeof TOOL_NAMES)[number], ToolDefinition> {
  return {
    glm_quota: tool({
      description:
        "Read the user's GLM Coding Plan quota (Z.ai / BigModel) without spending any: how much of the 5-hour window, the weekly window and the monthly MCP tool allowance (web search, web reader, zread) is used, when each resets, whether it is peak time (GLM-5-class models cost more quota then on most plans), and which model id to use. Call it before starting heavy or long work (many subagents, large refactors, long agent loops) to decide whether there is quota for it. Pass `window` to get a single line for one window.",
      args: {
        window: z
          .enum(["all", "five_hour", "weekly", "mcp_monthly"])
          .optional()
          .describe("Which window: five_hour, weekly, mcp_monthly, or all (default) for the whole report."),
      },
      async execute(args) {
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
    }),
    glm_model: tool({
      description:
        "Which GLM model id the user should use on their GLM Coding Plan right now — a heavy GLM-5-class model (e.g. glm-5.3) or a light GLM-4.7-class one (e.g. glm-4.7, glm-5.3-flash), always one their provider lists — with the reason: the plan tier and date, how full the 5-hour and weekly windows are, and Beijing peak hours with the multiplier in force. Call it before choosing a model for a subagent or a long task. Costs no quota.",
      args: {},
      async execute() {
        try {
          const res = await service.get()
          if (!res.ok) return `glm-4.7 — the quota could not be read (${res.error.message}); GLM-4.7 is on every plan.`
          const report = service.reportOf(readingOf(res), false)
          const plan = report.plan === null ? "unknown plan" : `${report.plan} plan`
          const rec = report.recommendation
          return `${rec.model} (${rec.class === "glm-5" ? "GLM-5" : "GLM-4.7"} class) — ${rec.reason} (${plan}${report.stale ? ", stale data" : ""})`
        } catch {
          return "glm-4.7 — glm-quota could not decide just now; GLM-4.7 is on every plan."
        }
      },
    }),
  }
}
