// A small file cache for quota snapshots: 60 s fresh, shared by concurrent callers (one request in flight),
// the last good snapshot served as `stale` when the API fails — never after an auth error. While the API is
// throttling (rate_limited), no request is made until the fresh interval, or a longer Retry-After, has passed.
// Files are keyed by a hash of region, origin and key: the key itself is never written.
import { createHash, randomBytes } from "node:crypto"
import { chmodSync, mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { QuotaError, QuotaSnapshot, Result } from "../core/types.ts"
import { noteCacheUnusable } from "./cache-notice.ts"
import { withLease } from "./lock.ts"
import { readRegularFile, setAside } from "./regular-file.ts"
import { isSnapshot } from "./snapshot-check.ts"

export const DEFAULT_FRESH_MS = 60_000

export { cacheDir } from "./cache-dir.ts"

export function cacheId(key: string, region: string, origin: string, variant = "quota"): string {
  return (
    createHash("sha256").update(`glm-quota\n${region}\n${origin}\n${key}`).digest("hex").slice(0, 32) +
    (variant === "quota" ? "" : `-${variant}`)
  )
}

interface Entry {
  savedAt: number
  snapshot: QuotaSnapshot
}

/** Private directory (0700) and files (0600), written atomically by rename. */
export function writePrivateFile(dir: string, name: string, text: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`)
  try {
    writeFileSync(tmp, text, { mode: 0o600 })
    // Onto a directory or anything else that is not ours to replace, the rename fails: the temp file goes too.
    renameSync(tmp, join(dir, name))
  } catch (err) {
    try {
      unlinkSync(tmp)
    } catch {
      // never written
    }
    throw err
  }
}

/** A cache entry is a few kilobytes; the bound only keeps a stray huge file from being read whole. */
export const MAX_ENTRY_BYTES = 4 * 1024 * 1024

/**
 * Reads a JSON file this tool wrote, as untrusted: `check` decides whether it is what it should be. A damaged one (not
 * JSON, or not that shape) is set aside as `<file>.damaged-<ms>` and reads as absent; so does one that is not a regular
 * file or is too large, but that is left where it is. Never throws, never blocks.
 */
export function readChecked<T>(file: string, check: (v: unknown) => T | null): T | null {
  const r = readRegularFile(file, MAX_ENTRY_BYTES)
  if (!r.ok) return null
  let value: T | null = null
  try {
    value = check(JSON.parse(r.data.toString("utf8")))
  } catch {
    value = null
  }
  if (value === null) setAside(file)
  return value
}

const entryOf = (v: unknown): Entry | null => {
  const e = v as Partial<Entry> | null
  if (typeof e !== "object" || e === null || typeof e.savedAt !== "number" || !Number.isFinite(e.savedAt)) return null
  return isSnapshot(e.snapshot) ? { savedAt: e.savedAt, snapshot: e.snapshot } : null
}

function readEntry(file: string): Entry | null {
  return readChecked(file, entryOf)
}

export type CachedResult =
  | { ok: true; value: QuotaSnapshot; stale: boolean; fromCache: boolean; error?: QuotaError }
  | { ok: false; error: QuotaError }

export interface SnapshotCacheOptions {
  /** Directory for the file cache; null keeps it in memory only. */
  dir: string | null
  id: string
  now: () => Date
  freshMs?: number
  load: () => Promise<Result<QuotaSnapshot>>
  /**
   * The refresh lease across threads and processes (lock.ts): with a directory, one context asks the API per interval
   * and the others read its answer from disk. On by default when `dir` is set; false turns it off.
   */
  lease?: false | { ttlMs?: number; waitMs?: number; pollMs?: number }
}

/** After these the cached reading is no longer this key's to show: it is dropped, never served stale. */
const AUTH_KINDS = new Set(["auth", "no_key", "no_plan"])
/** The longest a Retry-After keeps the cache from asking again. */
const MAX_BACKOFF_MS = 15 * 60_000

export class SnapshotCache {
  private memory: Entry | null = null
  private inflight: Promise<CachedResult> | null = null
  /** Set while the API is throttling: no request before `until` (the fresh interval, or Retry-After if longer). */
  private throttled: { until: number; error: QuotaError } | null = null
  private readonly file: string | null
  /** Set once the directory proved unusable: no more leases, reads or writes there in this process. */
  private unusable = false

  constructor(private readonly opts: SnapshotCacheOptions) {
    this.file = opts.dir === null ? null : join(opts.dir, `${opts.id}.json`)
  }

  private fresh(e: Entry | null): boolean {
    if (e === null) return false
    const age = this.opts.now().getTime() - e.savedAt
    return age >= 0 && age < (this.opts.freshMs ?? DEFAULT_FRESH_MS)
  }

  /** The newest snapshot this process or the disk has, without touching the network. */
  peek(): { snapshot: QuotaSnapshot; savedAt: number } | null {
    const disk = this.file === null ? null : readEntry(this.file)
    const best = disk !== null && (this.memory === null || disk.savedAt > this.memory.savedAt) ? disk : this.memory
    if (best !== null) this.memory = best
    return best
  }

  /** A fresh snapshot from memory or disk, else one request shared by every concurrent caller. */
  get(opts: { force?: boolean } = {}): Promise<CachedResult> {
    if (!opts.force) {
      // Fresh in memory: no need to look at the disk at all (the chat path asks this after every turn).
      const mem = this.memory
      if (mem !== null && this.fresh(mem))
        return Promise.resolve({ ok: true, value: mem.snapshot, stale: false, fromCache: true })
      const known = this.peek()
      if (known !== null && this.fresh({ savedAt: known.savedAt, snapshot: known.snapshot })) {
        return Promise.resolve({ ok: true, value: known.snapshot, stale: false, fromCache: true })
      }
      const held = this.heldBack()
      if (held !== null) return Promise.resolve(held)
    }
    if (this.inflight !== null) return this.inflight
    this.inflight = this.refreshUnderLease(Boolean(opts.force)).finally(() => {
      this.inflight = null
    })
    return this.inflight
  }

  /** A fresh entry another context wrote to disk meanwhile, as a result; null when there is none. */
  private freshOnDisk(): CachedResult | null {
    const known = this.peek()
    if (known === null || !this.fresh({ savedAt: known.savedAt, snapshot: known.snapshot })) return null
    return { ok: true, value: known.snapshot, stale: false, fromCache: true }
  }

  private refreshUnderLease(force: boolean): Promise<CachedResult> {
    const lease = this.opts.lease
    if (this.opts.dir === null || lease === false || this.unusable) return this.refresh()
    const dir = this.opts.dir
    return withLease(
      {
        dir,
        id: this.opts.id,
        ...lease,
        reuse: () => (force ? null : this.freshOnDisk()),
        onUnusable: (reason) => {
          // Without a lease the entry cannot be shared either: this process keeps its reading in memory.
          this.unusable = true
          noteCacheUnusable(dir, reason)
        },
      },
      () => this.refresh(),
    )
  }

  /** While the API is throttling: the last good snapshot (stale) or the throttling error, without a request. */
  private heldBack(): CachedResult | null {
    const t = this.throttled
    if (t === null) return null
    if (this.opts.now().getTime() >= t.until) {
      this.throttled = null
      return null
    }
    const last = this.peek()
    return last === null
      ? { ok: false, error: t.error }
      : { ok: true, value: last.snapshot, stale: true, fromCache: true, error: t.error }
  }

  private async refresh(): Promise<CachedResult> {
    let res: Result<QuotaSnapshot>
    try {
      res = await this.opts.load()
    } catch {
      res = {
        ok: false,
        error: {
          kind: "bad_response",
          message: "Reading the quota failed unexpectedly: try again, and report it if it keeps happening.",
        },
      }
    }
    this.throttled = null
    if (!res.ok && res.error.kind === "rate_limited") {
      const wait = Math.max(
        this.opts.freshMs ?? DEFAULT_FRESH_MS,
        Math.min(res.error.retryAfterMs ?? 0, MAX_BACKOFF_MS),
      )
      this.throttled = { until: this.opts.now().getTime() + wait, error: res.error }
    }
    if (res.ok) {
      const entry = { savedAt: this.opts.now().getTime(), snapshot: res.value }
      this.memory = entry
      this.save(entry)
      return { ok: true, value: res.value, stale: false, fromCache: false }
    }
    if (AUTH_KINDS.has(res.error.kind)) {
      this.forget()
      return res
    }
    const last = this.peek()
    if (last !== null) return { ok: true, value: last.snapshot, stale: true, fromCache: true, error: res.error }
    return res
  }

  private save(entry: Entry): void {
    if (this.file === null || this.opts.dir === null || this.unusable) return
    try {
      writePrivateFile(this.opts.dir, `${this.opts.id}.json`, JSON.stringify(entry))
    } catch {
      // A cache that cannot be written is only slower; never an error for the user.
    }
  }

  forget(): void {
    this.memory = null
    if (this.file === null) return
    try {
      rmSync(this.file, { force: true })
    } catch {
      // nothing to forget
    }
  }
}
