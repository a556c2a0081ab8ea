// The plugin entry. OpenCode calls every export of this module as a plugin, so it exports one thing only. It is also
// the one place the server half reads the process: its environment, its fetch, and the state the process shares.
import { createServer } from "./opencode/server.ts"
import { createServerState } from "./opencode/state.ts"

export default {
  id: "glm-quota",
  server: createServer({ env: process.env, fetch: (u, i) => fetch(u, i), state: createServerState() }),
}
