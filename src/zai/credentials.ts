// Where the key comes from: env first, then OpenCode's auth.json (1.x), then OpenCode 2's opencode.db (its
// `credential` table, read-only). The region follows the source.
import { readFileSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import { cleanText } from "../core/text/sanitize.ts"
import type { Env, Region } from "../core/types.ts"
import { keyFor, openCodeDbPath, readOpenCodeDb, type DbRead } from "./opencode-db.ts"

export interface Credentials {
  key: string
  region: Region
  /**
   * Where it was found, for display: an env variable name, "auth.json (zai-coding-plan)" or
   * "OpenCode 2's opencode.db (zai-coding-plan)". Never the key.
   */
  source: string
}

export const PROVIDER_REGIONS: [string, Region][] = [
  ["zai-coding-plan", "international"],
  ["zai", "international"],
  ["zhipuai-coding-plan", "china"],
  ["zhipuai", "china"],
  ["zhipu", "china"],
  // Other quota monitors store the Z.ai key under "glm": last, so an OpenCode provider id always wins.
  ["glm", "international"],
]

const ENV_KEYS: [string, Region][] = [
  ["ZAI_API_KEY", "international"],
  ["ZHIPU_API_KEY", "china"],
  ["ZHIPUAI_API_KEY", "china"],
]

/** The auth.json files OpenCode may have written, most likely first. */
export function authFilePaths(env: Env, home: string = homedir()): string[] {
  const paths: string[] = []
  const xdg = env.XDG_DATA_HOME?.trim()
  paths.push(join(xdg ? xdg : join(home, ".local", "share"), "opencode", "auth.json"))
  const local = env.LOCALAPPDATA?.trim()
  if (local) paths.push(join(local, "opencode", "auth.json"))
  return paths
}

function readAuthFile(path: string, read: (p: string) => string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(read(path))
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

function keyOf(entry: unknown): string | null {
  if (typeof entry !== "object" || entry === null) return null
  const e = entry as Record<string, unknown>
  const key = e.key ?? e.access
  return typeof key === "string" && key.trim() !== "" ? key.trim() : null
}

export interface FindOptions {
  env: Env
  /** Only a key for this region will do. */
  region?: Region | null
  home?: string
  readFile?: (path: string) => string
  /** Reads OpenCode 2's opencode.db (default: the file itself, read-only). */
  readDb?: (path: string) => DbRead
}

/** The key and, when OpenCode 2's opencode.db exists but could not be read, that problem as one sentence. */
export interface KeySearch {
  credentials: Credentials | null
  /** "OpenCode 2's key store /…/opencode.db could not be read (permission denied)"; null when it read or is absent. */
  problem: string | null
}

export function findKey(opts: FindOptions): KeySearch {
  const want = opts.region ?? null
  for (const [name, region] of ENV_KEYS) {
    const key = opts.env[name]?.trim()
    if (key && (want === null || want === region)) return { credentials: { key, region, source: name }, problem: null }
  }
  const read = opts.readFile ?? ((p: string) => readFileSync(p, "utf8"))
  for (const path of authFilePaths(opts.env, opts.home)) {
    const auth = readAuthFile(path, read)
    if (auth === null) continue
    for (const [id, region] of PROVIDER_REGIONS) {
      const key = keyOf(auth[id])
      if (key && (want === null || want === region))
        return { credentials: { key, region, source: `auth.json (${id})` }, problem: null }
    }
  }
  const dbPath = openCodeDbPath(opts.env, opts.home)
  const db = (opts.readDb ?? readOpenCodeDb)(dbPath)
  if (!db.ok)
    return {
      credentials: null,
      problem:
        db.reason === "missing"
          ? null
          : `OpenCode 2's key store ${cleanText(dbPath, 200)} could not be read (${db.problem})`,
    }
  for (const [id, region] of PROVIDER_REGIONS) {
    const key = keyFor(db.keys, id)
    if (key && (want === null || want === region))
      return { credentials: { key, region, source: `OpenCode 2's opencode.db (${id})` }, problem: null }
  }
  return { credentials: null, problem: null }
}

export function findCredentials(opts: FindOptions): Credentials | null {
  return findKey(opts).credentials
}
