// A refresh lease across processes and threads: one request per refresh interval for everyone who shares a cache
// directory. In OpenCode 1.18.33 the TUI plugin runs on the main thread and the server plugin in a Worker of the same
// process — two module graphs, so the in-memory de-duplication of SnapshotCache cannot see across them; other
// OpenCode processes and the CLI share the directory too. The lease is a file created with O_EXCL beside the cache
// entry: whoever creates it asks the API; the others wait for the answer to land on disk and read it from there.
// SnapshotCache (cache.ts) and the model list (models.ts) take the lease around every refresh when they have a
// directory.
//
// A lease records its owner (pid and the process's start). It is taken over at once when that process is gone (a run
// interrupted with Ctrl-C), and after its TTL whatever the owner (a hung or reused pid). A waiter sleeps between
// looks, longer each time, and never waits past `waitMs`: a lost or nested lease costs at worst one extra request,
// never a hang. A directory that cannot hold a lease at all (read-only, missing, a dangling symlink or a FIFO where
// the lease goes) is `unusable`: the caller works without the cache — never a loop.
import { randomBytes } from "node:crypto"
import { closeSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, unlinkSync, writeSync } from "node:fs"
import { join } from "node:path"
import { readRegularText } from "./regular-file.ts"

/** Longer than a whole request with its retries (8 s budget by default). */
export const DEFAULT_LEASE_TTL_MS = 20_000
/** How long a waiter waits for the holder's answer before asking itself. */
export const DEFAULT_LEASE_WAIT_MS = 15_000
/** The first pause between looks; each pause doubles up to MAX_POLL_MS. */
const POLL_MS = 25
const MAX_POLL_MS = 400
/** A lease file is a few dozen bytes. */
const MAX_LEASE_BYTES = 4096

/** When this process started, in epoch ms: with the pid, it names the lease's owner. */
const PROCESS_START = Math.round(Date.now() - process.uptime() * 1000)

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
  /** Whether process `pid` is running; default: a signal-0 probe. A parameter for tests. */
  alive?: (pid: number) => boolean
}

export type Acquired =
  | { kind: "acquired"; lease: Lease }
  | { kind: "held" }
  /** The directory cannot hold a lease; `reason` says why, in a few words. */
  | { kind: "unusable"; reason: string }

export function leaseFile(dir: string, id: string): string {
  return join(dir, `${id}.lock`)
}

/** Signal 0 checks without signalling: ESRCH means gone; EPERM means running under another user. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"
  }
}

interface Owner {
  pid: number | null
  at: number | null
}

function ownerOf(text: string | null): Owner {
  try {
    const o = JSON.parse(text ?? "") as { pid?: unknown; at?: unknown }
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null)
    const pid = num(o.pid)
    return { pid: pid !== null && Number.isInteger(pid) && pid > 0 ? pid : null, at: num(o.at) }
  } catch {
    return { pid: null, at: null }
  }
}

/** Whether the lease at `file` (a regular file) was abandoned: its owner is gone, or it is older than its TTL. */
function abandoned(file: string, mtimeMs: number, opts: LeaseOptions): boolean {
  const clock = opts.clock ?? Date.now
  const owner = ownerOf(readRegularText(file, MAX_LEASE_BYTES))
  if (owner.pid !== null && owner.pid !== process.pid && !(opts.alive ?? processAlive)(owner.pid)) return true
  // Unreadable or half-written: its age is the file's.
  const age = clock() - (owner.at ?? mtimeMs)
  return age > (opts.ttlMs ?? DEFAULT_LEASE_TTL_MS)
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

const UNUSABLE: Record<string, string> = {
  EACCES: "it cannot be written",
  EPERM: "it cannot be written",
  EROFS: "it is on a read-only file system",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  ENOTDIR: "a file stands where a directory should be",
  ELOOP: "a symbolic link loops",
  ENAMETOOLONG: "its path is too long",
}

/** Takes the lease if nobody holds it (or its holder abandoned it); says when the directory cannot hold one. */
export function acquire(opts: LeaseOptions): Acquired {
  const file = leaseFile(opts.dir, opts.id)
  const clock = opts.clock ?? Date.now
  const token = randomBytes(8).toString("hex")
  try {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 })
  } catch (err) {
    // EEXIST here: a file (or a link to one) where the directory goes.
    const code = (err as NodeJS.ErrnoException).code ?? ""
    return {
      kind: "unusable",
      reason: code === "EEXIST" ? UNUSABLE.ENOTDIR! : (UNUSABLE[code] ?? `it cannot be used (${code})`),
    }
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600)
      try {
        writeSync(fd, JSON.stringify({ token, pid: process.pid, start: PROCESS_START, at: clock() }))
      } finally {
        closeSync(fd)
      }
      return { kind: "acquired", lease: releaser(file, token) }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? ""
      if (code !== "EEXIST") return { kind: "unusable", reason: UNUSABLE[code] ?? `it cannot be used (${code})` }
      let st
      try {
        st = lstatSync(file)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") return { kind: "unusable", reason: "it cannot be read" }
        continue // released meanwhile: try again
      }
      // A symbolic link (dangling or not), a FIFO, a directory: not a lease this tool wrote, and not one to remove.
      if (!st.isFile()) return { kind: "unusable", reason: `${opts.id}.lock there is not a file` }
      if (!abandoned(file, st.mtimeMs, opts)) return { kind: "held" }
      breakAbandoned(file)
    }
  }
  return { kind: "held" }
}

/** `acquire` when only a lease matters: null when someone else holds it or the directory cannot hold one. */
export function tryAcquire(opts: LeaseOptions): Lease | null {
  const a = acquire(opts)
  return a.kind === "acquired" ? a.lease : null
}

function releaser(file: string, token: string): Lease {
  let done = false
  return {
    file,
    release() {
      if (done) return
      done = true
      try {
        const text = readRegularText(file, MAX_LEASE_BYTES)
        const owner = text === null ? null : (JSON.parse(text) as { token?: unknown }).token
        // unlink, not rm: rmSync loads a module of its own (a directory remover) that a file needs none of.
        if (owner === token) unlinkSync(file)
      } catch {
        // already gone, or taken over after our TTL: not ours to delete
      }
    },
  }
}

export interface CoordinateOptions<T> extends LeaseOptions {
  /** An answer someone else already produced (e.g. a fresh entry on disk), or null. Checked before and while waiting. */
  reuse: () => T | null
  waitMs?: number
  /** The first pause between looks (doubling up to 400 ms). */
  pollMs?: number
  sleep?: (ms: number) => Promise<void>
  /** Called when the directory cannot hold a lease: `run` then runs at once, without one. */
  onUnusable?: (reason: string) => void
}

/**
 * Runs `run` under the lease, unless an answer can be reused. While another context holds the lease, waits for its
 * answer (`reuse`), takes the lease when it is released without one, and after `waitMs` runs anyway: a lost lease
 * costs at worst one extra request, never a hang. Every look but the first follows a pause: nothing spins.
 */
export async function withLease<T>(opts: CoordinateOptions<T>, run: () => Promise<T>): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const deadline = Date.now() + (opts.waitMs ?? DEFAULT_LEASE_WAIT_MS)
  let pause = Math.max(1, opts.pollMs ?? POLL_MS)
  for (;;) {
    const got = acquire(opts)
    if (got.kind === "acquired") {
      try {
        return await run()
      } finally {
        got.lease.release()
      }
    }
    if (got.kind === "unusable") {
      opts.onUnusable?.(got.reason)
      return run()
    }
    const left = deadline - Date.now()
    if (left <= 0) return run()
    await sleep(Math.min(pause, left))
    pause = Math.min(pause * 2, Math.max(MAX_POLL_MS, opts.pollMs ?? 0))
    // The holder writes its answer before it lets go of the lease: look for the answer before taking the lease.
    const ready = opts.reuse()
    if (ready !== null) return ready
  }
}
