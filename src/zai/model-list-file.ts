// The key's model list as the report keeps it beside the quota cache (`<hash>-models.json`): its name, its shape and
// its cap, read back as untrusted as the answer it came from. No zod and no HTTP client here, so that the status
// line's warm path (cli/line.ts) reads the same file through the same code as the report (models.ts).
import { join } from "node:path"
import { cleanText, MAX_NAME, MAX_SERVER_TEXT } from "../core/text/sanitize.ts"
import type { Region } from "../core/types.ts"
import { cacheId, readChecked, writePrivateFile } from "./cache.ts"

/** More than any plan lists: a longer answer is junk and is cut. */
export const MAX_MODEL_IDS = 200

export interface ModelsEntry {
  savedAt: number
  ids: string[]
}

/**
 * Ids as a list can be shown and picked: strings only, escape sequences and invisible characters removed, trimmed,
 * at most 64 characters (a longer one is dropped, not cut: a cut id names no model), deduplicated, at most 200.
 */
export function cleanModelIds(values: readonly unknown[]): string[] {
  const ids = new Set<string>()
  for (const v of values) {
    if (ids.size >= MAX_MODEL_IDS) break
    if (typeof v !== "string") continue
    const id = cleanText(v, MAX_SERVER_TEXT)
    if (id === "" || Array.from(id).length > MAX_NAME) continue
    ids.add(id)
  }
  return [...ids]
}

/** The file's name in the cache directory: a hash of key, region and origin (cache.ts), never the key itself. */
const fileName = (key: string, region: Region, origin: string): string =>
  `${cacheId(key, region, origin, "models")}.json`

/** The file of this key's list in the cache directory. */
export const modelListFile = (dir: string, key: string, region: Region, origin: string): string =>
  join(dir, fileName(key, region, origin))

/**
 * The list in `file`, whatever its age; null when there is none or nothing usable in it. Only a regular file of a
 * bounded size is read (cache.ts `readChecked`); a damaged one is set aside, as a damaged cache entry is.
 */
export function readModelListAt(file: string): ModelsEntry | null {
  return readChecked(file, (v) => {
    const e = v as Partial<ModelsEntry> | null
    if (typeof e !== "object" || e === null) return null
    if (typeof e.savedAt !== "number" || !Number.isFinite(e.savedAt) || !Array.isArray(e.ids)) return null
    const ids = cleanModelIds(e.ids)
    return ids.length === 0 ? null : { savedAt: e.savedAt, ids }
  })
}

/** The list kept for this key, whatever its age; null when there is none (or nothing usable in it). */
export const readModelList = (dir: string, key: string, region: Region, origin: string): ModelsEntry | null =>
  readModelListAt(modelListFile(dir, key, region, origin))

/** Keeps the list (0600, atomically); throws when it cannot be written. */
export function writeModelList(dir: string, key: string, region: Region, origin: string, entry: ModelsEntry): void {
  writePrivateFile(dir, fileName(key, region, origin), JSON.stringify(entry))
}
