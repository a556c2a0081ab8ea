// The TUI entry, for both OpenCode majors: 1.x reads `tui` (tui.json; a module may not default-export both `server`
// and `tui`), 2.x calls `setup(api)` (the package's `./tui`, loaded with the `plugins` entry). The one place the TUI
// halves read the process: its environment and its fetch. The 2.x half is one dynamic import, made only under 2.x.
import { createTui } from "./tui/plugin.ts"

const deps = { env: process.env, fetch: (u: string | URL | Request, i?: RequestInit) => fetch(u, i) }
let setup2: ((api: unknown) => Promise<(() => void) | undefined>) | null = null

export default {
  id: "glm-quota",
  tui: createTui(deps),
  async setup(api: unknown): Promise<(() => void) | undefined> {
    try {
      setup2 ??= (await import("./opencode2/tui.ts")).createTui2(deps)
      return await setup2(api)
    } catch {
      return undefined
    }
  },
}
