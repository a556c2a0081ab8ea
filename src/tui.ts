// The TUI entry (tui.json): the quota widget and a TUI-native /glm-quota. OpenCode reads the default export only;
// the server half is src/index.ts (opencode.json). A module may not default-export both `server` and `tui`.
import { tui } from "./tui/plugin.ts"

export default { id: "glm-quota", tui }
