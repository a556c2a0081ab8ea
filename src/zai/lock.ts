// A refresh lease across processes and threads: one quota request per refresh interval for everyone who shares a
// cache directory. In OpenCode 1.18.33 the TUI plugin runs on the main thread and the server plugin in a Worker of
// the same process — two module graphs, so the in-memory de-duplication of SnapshotCache cannot see across them; other
// OpenCode processes and the CLI share the directory too. The lease is a file created with O_EXCL beside the cache
// entry: whoever creates it asks the API; the others wait for the answer to land on disk and read it from there.
// SnapshotCache (cache.ts) takes the lease around every refresh when it has a directory.
//
// A lease older than its TTL is treated as abandoned (its holder crashed) and taken over. A waiter never waits longer
// than `waitMs`: a lost or nested lease costs at worst one extra request, never a hang.
import { randomBytes } from "node:crypto"
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs"
import { join } from "node:path"

/** Longer than a whole request with its retries (8 s budget by default). */
export const DEFAULT_LEASE_TTL_MS = 20_000
/** How long a waiter waits for the holder's answer before asking itself. */
export const DEFAULT_LEASE_WAIT_MS = 15_000
const POLL_MS = 100

export interface Lease {
  readonly file: string
  release(): void
}

export interface LeaseOptions {
  dir: string
  /** The cache entry's id: the lease file is `<id>.lock` beside `<id>.json`. */
  id: string
  ttlMs?: number
  /** Wall clock in ms for lease ages (not GLM_QUOTA_NOW: leases are about real time). */
  clock?: () => number
}

export function leaseFile(dir: string, id: string): string {
  return join(dir, `${id}.lock`)
}

function ageMs(file: string, clock: () => number): number | null {
  try {
    const text = readFileSync(file, "utf8")
    const at = (JSON.parse(text) as { at?: unknown }).at
    if (typeof at === "number" && Number.isFinite(at)) return clock() - at
  } catch {
    // unreadable or half-written: fall back to the file's mtime
  }
  try {
    return clock() - statSync(file).mtimeMs
  } catch {
    return null
  }
}

/** Moves an abandoned lease out of the way (rename is atomic: one taker wins), then deletes it. */
function breakAbandoned(file: string): void {
  const aside = `${file}.${randomBytes(4).toString("hex")}.abandoned`
  try {
    renameSync(file, aside)
  } catch {
    return
  }
  rmSync(aside, { force: true })
}

/** Takes the lease if nobody holds it (or its holder abandoned it); null when someone else holds it. */
export function tryAcquire(opts: LeaseOptions): Lease | null {
  const file = leaseFile(opts.dir, opts.id)
  const clock = opts.clock ?? Date.now
  const token = randomBytes(8).toString("hex")
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(opts.dir, { recursive: true, mode: 0o700 })
      const fd = openSync(file, "wx", 0o600)
      try {
        writeSync(fd, JSON.stringify({ token, pid: process.pid, at: clock() }))
      } finally {
        closeSync(fd)
      }
      return releaser(file, token)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") return null
      const age = ageMs(file, clock)
      if (age === null || age <= (opts.ttlMs ?? DEFAULT_LEASE_TTL_MS)) return null
      breakAbandoned(file)
    }
  }
  return null
}

function releaser(file: string, token: string): Lease {
  let done = false
  return {
    file,
    release() {
      if (done) return
      done = true
      try {
        const owner = (JSON.parse(readFileSync(file, "utf8")) as { token?: unknown }).token
        // unlink, not rm: rmSync loads a module of its own (a directory remover) that a file needs none of.
        if (owner === token) unlinkSync(file)
      } catch {
        // already gone, or taken over after our TTL: not ours to delete
      }
    },
  }
}

function exists(file: string): boolean {
  try {
    statSync(file)
    return true
  } catch {
    return false
  }
}

export interface CoordinateOptions<T> extends LeaseOptions {
  /** An answer someone else already produced (e.g. a fresh entry on disk), or null. Checked before and while waiting. */
  reuse: () => T | null
  waitMs?: number
  pollMs?: number
  sleep?: (ms: number) => Promise<void>
}

/**
 * Runs `run` under the lease, unless an answer can be reused. While another context holds the lease, waits for its
 * answer (`reuse`), takes the lease when it is released without one, and after `waitMs` runs anyway: a lost lease
 * costs at worst one extra request, never a hang.
 */
export async function withLease<T>(opts: CoordinateOptions<T>, run: () => Promise<T>): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const deadline = Date.now() + (opts.waitMs ?? DEFAULT_LEASE_WAIT_MS)
  for (;;) {
    const lease = tryAcquire(opts)
    if (lease !== null) {
      try {
        return await run()
      } finally {
        lease.release()
      }
    }
    const file = leaseFile(opts.dir, opts.id)
    while (exists(file) && Date.now() < deadline) {
      await sleep(opts.pollMs ?? POLL_MS)
      const ready = opts.reuse()
      if (ready !== null) return ready
    }
    const ready = opts.reuse()
    if (ready !== null) return ready
    if (Date.now() >= deadline) return run()
  }
}
