// The Coding Plan providers' model lists as the running OpenCode has them (its catalog plus the models the user
// declared), kept in one file beside the quota cache. Both halves write what they see — the server half from its
// client (GET /config/providers), the TUI half from its own provider state, which it has from its first frame — so
// apply mode can decide the first prompt of the first run without asking anything on the chat path.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import type { Env } from "../core/types.ts"
import { cacheDir, writePrivateFile } from "../zai/cache.ts"

export const MODELS_FILE = "opencode-models.json"

export type ModelLists = Record<string, string[]>

/** The lists on disk, or null when there is no usable file. */
export function readModelLists(env: Env): ModelLists | null {
  try {
    const saved: unknown = JSON.parse(readFileSync(join(cacheDir(env), MODELS_FILE), "utf8"))
    const providers = typeof saved === "object" && saved !== null ? (saved as { providers?: unknown }).providers : null
    if (typeof providers !== "object" || providers === null) return null
    const lists: ModelLists = {}
    for (const [id, ids] of Object.entries(providers))
      if (Array.isArray(ids)) lists[id] = ids.filter((x): x is string => typeof x === "string")
    return lists
  } catch {
    return null
  }
}

/** Writes the lists (0600, atomically); false when it could not. */
export function writeModelLists(env: Env, lists: ModelLists): boolean {
  try {
    writePrivateFile(cacheDir(env), MODELS_FILE, JSON.stringify({ providers: lists }))
    return true
  } catch {
    return false
  }
}
