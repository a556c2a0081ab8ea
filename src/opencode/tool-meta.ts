// The agent tools as OpenCode lists them before the rest of the plugin is loaded: names, descriptions, and the windows
// glm_quota answers for. No zod here: the argument schemas are tool-defs.ts, loaded with the rest (plugin.ts).
export const TOOL_NAMES = ["glm_quota", "glm_model"] as const
export type ToolName = (typeof TOOL_NAMES)[number]

/** The windows glm_quota can answer for alone; "all" is the whole report. */
export const TOOL_WINDOWS = ["all", "five_hour", "weekly", "mcp_monthly"] as const

export interface ToolArgs {
  glm_quota: { window?: (typeof TOOL_WINDOWS)[number] }
  glm_model: Record<string, never>
}

/** What each tool does with its (validated) arguments. */
export type ToolRunners = { [N in ToolName]: (args: ToolArgs[N], ctx: unknown) => Promise<string> }

export const WINDOW_DESCRIPTION = "Which window: five_hour, weekly, mcp_monthly, or all (default) for the whole report."

export const TOOL_DESCRIPTIONS: Record<ToolName, string> = {
  glm_quota:
    "Read the user's GLM Coding Plan quota (Z.ai / BigModel) without spending any: how much of the 5-hour window, the weekly window and the monthly MCP tool allowance (web search, web reader, zread) is used, when each resets, whether it is peak time (GLM-5-class models cost more quota then on most plans), and which model id to use. Call it before starting heavy or long work (many subagents, large refactors, long agent loops) to decide whether there is quota for it. Pass `window` to get a single line for one window.",
  glm_model:
    "Which GLM model id the user should use on their GLM Coding Plan right now — a heavy GLM-5-class model (e.g. glm-5.3) or a light GLM-4.7-class one (e.g. glm-4.7, glm-5.3-flash), always one their provider lists — with the reason: the plan tier and date, how full the 5-hour and weekly windows are, and Beijing peak hours with the multiplier in force. Call it before choosing a model for a subagent or a long task. Costs no quota.",
}

/**
 * The arguments as plain JSON Schema, for the one case where OpenCode reads a tool's `args` before the rest is loaded
 * (it reads them once, when the first prompt builds its tool list, after that prompt's chat.message hook, which loads
 * the rest: FINDINGS §6, §7). OpenCode then lists every such key as required, so `window` would have to be given.
 */
export const PLAIN_ARGS: Record<ToolName, Record<string, unknown>> = {
  glm_quota: { window: { type: "string", enum: [...TOOL_WINDOWS], description: WINDOW_DESCRIPTION } },
  glm_model: {},
}
