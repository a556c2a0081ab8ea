// Agent tools: glm_quota (the quota, or one window) and glm_model (the model for this plan right now).
import type { ToolDefinition } from "@opencode-ai/plugin"
import * as z from "zod/mini"
import type { WindowKind } from "../core/types.ts"
import { readingOf, type QuotaService } from "../quota/service.ts"
import { inOpenCode, reportText, windowLine, type ViewAt } from "./present.ts"

export const TOOL_NAMES = ["glm_quota", "glm_model"] as const

/**
 * A schema with its description where OpenCode 1.18.33 reads it: a `description` property (zod/mini has none of its
 * own; `z.describe` records it in zod's registry too). test/e2e/FINDINGS.md §6.
 */
function described<T extends z.ZodMiniType>(schema: T, description: string): T {
  return Object.assign(schema.check(z.describe(description)), { description })
}

/**
 * A tool for OpenCode 1.18.33, with zod/mini argument schemas: the binary turns any zod 4 schema into the JSON Schema
 * the agent sees, and classic zod would cost start-up time for nothing. The binary does not validate a plugin tool's
 * arguments (FINDINGS §6), so the tool does: a bad argument goes back to the model as an error, the way OpenCode's own
 * tools answer, instead of reaching `execute`. Building the definitions ourselves keeps `@opencode-ai/plugin` a
 * type-only (optional peer) dependency.
 */
function tool<A extends Record<string, z.ZodMiniType>>(
  name: string,
  def: { description: string; args: A; execute: (args: z.infer<z.ZodMiniObject<A>>, ctx: unknown) => Promise<string> },
): ToolDefinition {
  const schema = z.object(def.args)
  return {
    description: def.description,
    args: def.args,
    async execute(raw: unknown, ctx: unknown) {
      const parsed = z.safeParse(schema, raw ?? {})
      if (!parsed.success) {
        const why = z.prettifyError(parsed.error)
        throw new Error(
          `The ${name} tool was called with invalid arguments: ${why}\nPlease rewrite the input so it satisfies the expected schema.`,
        )
      }
      return def.execute(parsed.data, ctx)
    },
  } as unknown as ToolDefinition
}

export function tools(service: QuotaService, at: () => ViewAt): Record<(typeof TOOL_NAMES)[number], ToolDefinition> {
  return {
    glm_quota: tool("glm_quota", {
      description:
        "Read the user's GLM Coding Plan quota (Z.ai / BigModel) without spending any: how much of the 5-hour window, the weekly window and the monthly MCP tool allowance (web search, web reader, zread) is used, when each resets, whether it is peak time (GLM-5-class models cost more quota then on most plans), and which model id to use. Call it before starting heavy or long work (many subagents, large refactors, long agent loops) to decide whether there is quota for it. Pass `window` to get a single line for one window.",
      args: {
        window: described(
          z.optional(z.enum(["all", "five_hour", "weekly", "mcp_monthly"])),
          "Which window: five_hour, weekly, mcp_monthly, or all (default) for the whole report.",
        ),
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
    glm_model: tool("glm_model", {
      description:
        "Which GLM model id the user should use on their GLM Coding Plan right now — a heavy GLM-5-class model (e.g. glm-5.3) or a light GLM-4.7-class one (e.g. glm-4.7, glm-5.3-flash), always one their provider lists — with the reason: the plan tier and date, how full the 5-hour and weekly windows are, and Beijing peak hours with the multiplier in force. Call it before choosing a model for a subagent or a long task. Costs no quota.",
      args: {},
      async execute() {
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
    }),
  }
}
