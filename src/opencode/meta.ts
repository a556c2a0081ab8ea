// What OpenCode sees of the server plugin before the rest of it is loaded (plugin.ts): the command it registers and
// the events it handles.
export const COMMAND = "glm-quota"
export const COMMAND_DESCRIPTION =
  "GLM Coding Plan quota: 5-hour, weekly and MCP windows, peak hours, the model for your plan (no model call). Args: full | json | doctor"
export const COMMAND_TEMPLATE = "Show my GLM Coding Plan quota."

/** The bus events the plugin acts on; every other event leaves the hook at once. */
export const HANDLED = new Set([
  "session.created",
  "session.updated",
  "session.deleted",
  "session.idle",
  "session.error",
  "message.updated",
  "message.part.updated",
])
