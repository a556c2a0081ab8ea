// What OpenCode sees of the server plugin before the rest of it is loaded (plugin.ts): the command it registers and
// the events it handles.
export const COMMAND = "glm-quota"
// Short enough for the autocomplete's column at 100 columns (it cuts a longer one); the arguments in a few words.
export const COMMAND_DESCRIPTION = "GLM quota, no model call · full | json | doctor"
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
