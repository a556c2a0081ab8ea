// The plugin entry. OpenCode calls every export of this module as a plugin, so it exports one thing only. It is also
// the one place the server half reads the process: its environment and its fetch. What it loads at start-up is
// front.ts; the rest of the plugin (server.ts) is imported on first use, a chunk of its own in dist/.
import { createPlugin } from "./opencode/front.ts"

export default {
  id: "glm-quota",
  server: createPlugin({ env: process.env, fetch: (u, i) => fetch(u, i), load: () => import("./opencode/server.ts") }),
}
