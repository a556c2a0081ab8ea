// Credentials + origin + cache + client wired together: the one way every edge reads the quota.
import type { QuotaError, QuotaSnapshot, Region, FetchLike } from "../core/types.ts"
import { SnapshotCache, type CachedResult } from "../zai/cache.ts"
import { fetchSnapshot } from "../zai/client.ts"
import type { Credentials } from "../zai/credentials.ts"
import type { Env } from "../core/types.ts"
import { baseUrlError, noKeyError, quotaError } from "../zai/errors.ts"
import { validOrigin } from "../zai/regions.ts"
import { locate } from "./locate.ts"

export interface SourceOptions {
  env: Env
  fetch: FetchLike
  now: () => Date
  region?: Region | null
  baseUrl?: string | null
  /** false: no file cache (memory only). */
  fileCache?: boolean
  freshMs?: number
  timeoutMs?: number
  timeoutLabelMs?: number
  /** A key given directly (the demo); otherwise env and auth.json are searched. */
  credentials?: Credentials | null
}

export interface QuotaSource {
  credentials: Credentials
  origin: string
  quota: SnapshotCache
  /** Quota plus the last 24 h of usage history, cached apart. */
  history: SnapshotCache
}

const keyStoreFix = "close OpenCode and try again, or set ZAI_API_KEY (ZHIPU_API_KEY for BigModel)"

export function openSource(opts: SourceOptions): { ok: true; value: QuotaSource } | { ok: false; error: QuotaError } {
  const { location, problem } = locate(opts)
  if (location === null)
    return {
      ok: false,
      // OpenCode 2's key store exists but could not be read: that, not "no key", is what the user needs to hear.
      error: problem === null ? noKeyError() : quotaError("no_key", `${problem}: ${keyStoreFix}.`),
    }
  const override = opts.baseUrl ?? opts.env.GLM_QUOTA_BASE_URL ?? null
  if (!validOrigin(override)) return { ok: false, error: baseUrlError() }
  const { credentials, origin } = location
  const dir = opts.fileCache === false ? null : location.dir
  const ctx = {
    key: credentials.key,
    region: credentials.region,
    origin,
    fetch: opts.fetch,
    timeoutMs: opts.timeoutMs,
    timeoutLabelMs: opts.timeoutLabelMs,
  }
  const make = (withHistory: boolean) =>
    new SnapshotCache({
      dir,
      id: location.id(withHistory ? "full" : "quota"),
      now: opts.now,
      freshMs: opts.freshMs,
      load: () => fetchSnapshot(ctx, { now: opts.now, history: withHistory }),
    })
  return { ok: true, value: { credentials, origin, quota: make(false), history: make(true) } }
}

export type { CachedResult, QuotaSnapshot }
