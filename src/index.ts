// The plugin entry, for both OpenCode majors. OpenCode 1.x calls `server` (and every other export of this module as a
// plugin, so it exports one thing only); OpenCode 2 calls `setup(ctx)`. 1.18.33 also calls `setup` at its first
// prompt through a smaller preview context, which `setup` recognises and leaves alone (src/opencode2/host.ts). It is
// also the one place the server halves read the process: its environment and its fetch. What 1.x loads at start-up
// is plugin.ts (the rest, instance.ts, on first use); what 2.x loads is one dynamic import, made only under 2.x.
import { createPlugin } from "./opencode/plugin.ts"
import { isServerContext } from "./opencode2/host.ts"

const deps = { env: process.env, fetch: (u: string | URL | Request, i?: RequestInit) => fetch(u, i) }
let setup2: ((ctx: unknown) => Promise<(() => void) | undefined>) | null = null

export default {
  id: "glm-quota",
  server: createPlugin({ ...deps, load: () => import("./opencode/instance.ts") }),
  async setup(ctx: unknown): Promise<(() => void) | undefined> {
    if (!isServerContext(ctx)) return undefined
    try {
      setup2 ??= (await import("./opencode2/server.ts")).createSetup(deps)
      return await setup2(ctx)
    } catch {
      return undefined
    }
  },
}
