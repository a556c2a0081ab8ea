// The TUI entry (tui.json): the quota widget and a TUI-native /glm-quota. OpenCode reads the default export only;
// the server half is src/index.ts (opencode.json). A module may not default-export both `server` and `tui`. The one
// place the TUI half reads the process: its environment and its fetch.
import { createTui } from "./tui/plugin.ts"

export default { id: "glm-quota", tui: createTui({ env: process.env, fetch: (u, i) => fetch(u, i) }) }
