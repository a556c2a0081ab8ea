// Where a key's quota lives: the credentials found, the origin they are asked at, and the cache files they are kept
// in. No zod and no HTTP client, so that the status line's warm path (cli/line.ts) finds the same files as the source
// every edge reads through (source.ts) by calling the same function.
import type { Env, Region } from "../core/types.ts"
import { cacheDir, cacheId } from "../zai/cache.ts"
import { findKey, type Credentials } from "../zai/credentials.ts"
import { originFor } from "../zai/regions.ts"

export interface LocateOptions {
  env: Env
  region?: Region | null
  /** An origin given by the caller (an option); else GLM_QUOTA_BASE_URL, else the region's. */
  baseUrl?: string | null
  /** A key given directly (the demo); otherwise the environment and the key stores are searched. */
  credentials?: Credentials | null
}

export interface Location {
  credentials: Credentials
  origin: string
  /** The cache directory (cache.ts). */
  dir: string
  /** The cache id of one kind of entry: "quota", "full" (with the history), "models" (the key's model list). */
  id: (kind: "quota" | "full" | "models") => string
}

/** The location, or null with why when there is no key (`problem`: a key store that exists but could not be read). */
export function locate(opts: LocateOptions): { location: Location | null; problem: string | null } {
  const found = opts.credentials
    ? { credentials: opts.credentials, problem: null }
    : findKey({ env: opts.env, region: opts.region ?? null })
  const credentials = found.credentials
  if (credentials === null) return { location: null, problem: found.problem }
  const origin = originFor(credentials.region, opts.baseUrl ?? opts.env.GLM_QUOTA_BASE_URL ?? null)
  return {
    location: {
      credentials,
      origin,
      dir: cacheDir(opts.env),
      id: (kind) => cacheId(credentials.key, credentials.region, origin, kind),
    },
    problem: null,
  }
}
