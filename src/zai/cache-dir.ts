// Where the cache files live: the quota and model-list cache (cache.ts, models.ts) and the CLI's code cache
// (src/cli-bin.ts, which imports nothing else so that the bin stays small).
import { homedir } from "node:os"
import { join } from "node:path"
import type { Env } from "../core/types.ts"

/** `$XDG_CACHE_HOME/glm-quota`, default `~/.cache/glm-quota`. */
export function cacheDir(env: Env, home: string = homedir()): string {
  const xdg = env.XDG_CACHE_HOME?.trim()
  return join(xdg ? xdg : join(home, ".cache"), "glm-quota")
}
