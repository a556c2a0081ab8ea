// The plugin entry. OpenCode calls every export of this module as a plugin, so it exports one thing only.
import { server } from "./opencode/plugin.ts"

export default { id: "glm-quota", server }
