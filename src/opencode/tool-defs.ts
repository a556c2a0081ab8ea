// The agent tools' argument schemas and their validation (zod/mini), apart from what the tools do (tools.ts). Their
// names and descriptions are tool-meta.ts, which the start-up module offers before zod or any of this is loaded.
import type { ToolDefinition } from "@opencode-ai/plugin"
import * as z from "zod/mini"
import { TOOL_DESCRIPTIONS, TOOL_WINDOWS, WINDOW_DESCRIPTION, type ToolName, type ToolRunners } from "./tool-meta.ts"

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
  def: { description: string; args: A; execute: (args: never, ctx: unknown) => Promise<string> },
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
      return def.execute(parsed.data as never, ctx)
    },
  } as unknown as ToolDefinition
}

/** The tools' definitions over what they do. */
export function defineTools(run: ToolRunners): Record<ToolName, ToolDefinition> {
  return {
    glm_quota: tool("glm_quota", {
      description: TOOL_DESCRIPTIONS.glm_quota,
      args: {
        window: described(z.optional(z.enum(TOOL_WINDOWS)), WINDOW_DESCRIPTION),
      },
      execute: run.glm_quota,
    }),
    glm_model: tool("glm_model", {
      description: TOOL_DESCRIPTIONS.glm_model,
      args: {},
      execute: run.glm_model,
    }),
  }
}
