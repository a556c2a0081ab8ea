// The local record store: every prompt, model call, MCP call and API snapshot of every OpenCode process of the user,
// in `$XDG_STATE_HOME/glm-quota/` (default `~/.local/state/glm-quota/`). An edge module: it touches files; the clock
// is injected. No prompt text is ever written — only counts, ids and model/tool names (see src/local/codec.ts).
//
// Layout: one segment per UTC day, `events-YYYY-MM-DD.jsonl`, one record per line, files 0600 in a 0700 directory.
//
// Why this is safe across processes:
// - Writers only ever append: each process keeps one fd opened with O_APPEND and writes each record as one whole
//   line with one write(2) (lines are capped far below 4 KiB). On Linux's local file systems an O_APPEND write is
//   positioned and performed under the inode lock, so concurrent lines never interleave or overwrite each other.
//   (Network file systems such as NFS do not give that guarantee; the state directory is meant to be local.)
// - A writer appends to the segment of day(max(t, now)): today's (its own clock), or a later one for an event stamped
//   ahead of the clock (more than a day ahead is refused). So an event always lies in the segment of its own day or a
//   later one, and `read(since)` need only open the segments from day(since) on.
// - Compaction rewrites (write a temp file, then rename over) only segments that are closed: their day ended at least
//   `closeGraceMs` (1 h) ago. No writer opens a closed segment, and a writer still holding an fd on one reopens
//   before its next write because the day changed. Before the rename the compactor checks that the segment's inode
//   and size are what it read; if a very late line landed meanwhile it leaves the segment for the next run. Two
//   compactors at once: the second sees the first's new inode and skips. Today's segment is never rewritten; that is
//   why segments are per day rather than one file. The one loss left: a process frozen for over an hour exactly
//   between choosing its segment and its write(2) (then that one line goes to the replaced file).
// - Each append checks (one stat) that its fd still is the file at the segment's path; if the file was renamed
//   (set aside as corrupt) or removed, it reopens, so recording carries on in a fresh file.
//
// Damage: a torn last line (a crash mid-write) is left unread until it is completed or glued to the next line, whose
// whole record is then recovered (codec). A file with NUL bytes, more than 4 KiB without a newline, or mostly
// unreadable lines (at least 3, and more bad than good) is set aside as `<name>.corrupt-<ms>`, its whole records are
// appended to a fresh segment, and the caller gets a warning. Corrupt files are deleted after the retention period.
// (Two processes setting the same file aside at once check its inode first; only one of them moves it.)
//
// Size: raw lines for 30 days at Max-plan pace would be ~100 MB (a busy day is ~43,000 lines of ~85 bytes). So
// `compact` rolls records older than six hours (`rawMs`), in closed segments, into hourly aggregates per session and model
// (src/local/rollup.ts) and drops everything older than 35 days: 30 such days take ~4 MB (bench/local.ts). Between two
// compactions the last day stays raw. `compact` remembers what it saw of each closed segment, so running it hourly
// reads a segment again only when something in it has come due.
import { randomBytes } from "node:crypto"
import {
  chmodSync,
  closeSync,
  fchmodSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import { DAY_MS, HOUR_MS, type LocalEvent, type LocalRecord } from "../core/local.ts"
import type { Env } from "../zai/credentials.ts"
import { encodeEvent, encodeRecord, MAX_LINE_BYTES, parseLines } from "./codec.ts"
import { rollUp } from "./rollup.ts"

export type { CallEvent, HourAggregate, LocalEvent, LocalRecord, McpEvent, PromptEvent, SnapshotEvent } from "../core/local.ts"

export const RETENTION_MS = 35 * DAY_MS
/** Raw events older than this are rolled up (6 h: the 5-hour window and the hour of burn stay raw, the disk stays small). */
export const RAW_MS = 6 * HOUR_MS
export const CLOSE_GRACE_MS = HOUR_MS

/** `$XDG_STATE_HOME/glm-quota`, default `~/.local/state/glm-quota`. */
export function stateDir(env: Env, home: string = homedir()): string {
  const xdg = env.XDG_STATE_HOME?.trim()
  return join(xdg ? xdg : join(home, ".local", "state"), "glm-quota")
}

const SEGMENT = /^events-(\d{4})-(\d{2})-(\d{2})\.jsonl$/
const CORRUPT = /^events-\d{4}-\d{2}-\d{2}\.jsonl\.corrupt-(\d+)(?:-[0-9a-f]+)?$/
const TEMP = /^\.events-\d{4}-\d{2}-\d{2}\.jsonl\.\d+\.(\d+)\.[0-9a-f]+\.tmp$/

/** Days since the epoch (UTC). */
export const dayIndex = (ms: number): number => Math.floor(ms / DAY_MS)

/** `events-YYYY-MM-DD.jsonl` of a UTC day index. */
export function segmentName(day: number): string {
  return `events-${new Date(day * DAY_MS).toISOString().slice(0, 10)}.jsonl`
}

function segmentDay(name: string): number | null {
  const m = SEGMENT.exec(name)
  if (!m) return null
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return Number.isFinite(ms) ? dayIndex(ms) : null
}

export interface LocalStoreOptions {
  /** The state directory (see `stateDir`). */
  dir: string
  now: () => Date
  /** Records older than this are dropped by `compact` (default 35 days). */
  retentionMs?: number
  /** Events older than this are rolled into hourly aggregates by `compact` (default 1 day). */
  rawMs?: number
  /** A day's segment is rewritten only this long after the day ended (default 1 hour). */
  closeGraceMs?: number
}

export interface ReadResult {
  /** Records with `t >= since` (aggregates by their hour's start), in file order — not sorted. */
  records: LocalRecord[]
  /** One plain sentence per file set aside as corrupt. */
  warnings: string[]
  /** Damaged lines skipped. */
  skippedLines: number
}

export interface CompactResult {
  /** Segments rewritten (rolled up or trimmed). */
  rewritten: string[]
  /** Files deleted (segments past retention, old corrupt files, stale temp files). */
  removed: string[]
  /** Segments left for the next run because they changed while being compacted. */
  busy: string[]
  warnings: string[]
}

/** One file as read: its whole lines parsed; what follows the last newline is left for later. */
interface Loaded {
  records: LocalRecord[]
  bad: number
  good: number
  nul: boolean
  /** Bytes after the last newline (a torn or in-progress line). */
  tail: number
  ino: number
  dev: number
  size: number
  /** Offset just after the last newline. */
  consumed: number
}

function loadFile(path: string, from = 0): Loaded | null {
  let fd: number
  try {
    fd = openSync(path, "r")
  } catch {
    return null
  }
  try {
    const st = fstatSync(fd)
    const start = Math.min(from, st.size)
    const len = st.size - start
    const buf = Buffer.allocUnsafe(len)
    let got = 0
    while (got < len) {
      const n = readSync(fd, buf, got, len - got, start + got)
      if (n === 0) break
      got += n
    }
    const data = got === len ? buf : buf.subarray(0, got)
    const lastNl = data.lastIndexOf(10)
    const body = lastNl < 0 ? "" : data.toString("utf8", 0, lastNl + 1)
    const parsed = parseLines(body)
    return {
      ...parsed,
      nul: data.includes(0),
      tail: data.length - (lastNl + 1),
      ino: st.ino,
      dev: st.dev,
      size: start + data.length,
      consumed: start + lastNl + 1,
    }
  } catch {
    return null
  } finally {
    closeSync(fd)
  }
}

function corruption(l: Pick<Loaded, "nul" | "tail" | "bad" | "good">): string | null {
  if (l.nul) return "it holds NUL bytes"
  if (l.tail > MAX_LINE_BYTES) return "it ends in more than 4 KiB without a line break"
  if (l.bad >= 3 && l.bad > l.good) return `${l.bad} of ${l.bad + l.good} lines are unreadable`
  return null
}

interface CompactMemo {
  ino: number
  dev: number
  size: number
  mtimeMs: number
  /**
   * Due for a roll-up when the roll-up instant passes this: the earliest raw event at or after the instant used last
   * time, or — when only raw snapshots are left there — the end of the segment's day (snapshots are thinned with the
   * events, or once when the whole day is older than a day, not every hour).
   */
  minRaw: number
  /** The earliest record: due when retention passes it. */
  minAll: number
}

function memoOf(st: { ino: number; dev: number; size: number; mtimeMs: number }, records: readonly LocalRecord[], rollBefore: number, dayEnd: number): CompactMemo {
  let minRaw = Infinity
  let minAll = Infinity
  for (const r of records) {
    if (r.t < minAll) minAll = r.t
    if (r.kind === "hour" || r.t < rollBefore) continue
    const due = r.kind === "snapshot" ? Math.max(r.t, dayEnd) : r.t
    if (due < minRaw) minRaw = due
  }
  return { ino: st.ino, dev: st.dev, size: st.size, mtimeMs: st.mtimeMs, minRaw, minAll }
}

const CHUNK_BYTES = 64 * 1024

/** Lines grouped into writes of whole lines, at most 64 KiB each (one line may exceed that alone; none does). */
function chunks(records: readonly LocalRecord[]): string[] {
  const out: string[] = []
  let current = ""
  for (const r of records) {
    const line = encodeRecord(r)
    if (line === null) continue
    if (current.length + line.length > CHUNK_BYTES && current.length > 0) {
      out.push(current)
      current = ""
    }
    current += line
  }
  if (current.length > 0) out.push(current)
  return out
}

export class LocalStore {
  readonly dir: string
  private readonly now: () => Date
  private readonly retentionMs: number
  private readonly rawMs: number
  private readonly closeGraceMs: number
  private fd: number | null = null
  private fdDay = -1
  private fdPath = ""
  private fdIno = -1
  private fdDev = -1
  /** What this process last saw of each closed segment, so an unchanged one with nothing due is not read again. */
  private readonly compacted = new Map<string, CompactMemo>()

  constructor(opts: LocalStoreOptions) {
    this.dir = opts.dir
    this.now = opts.now
    this.retentionMs = opts.retentionMs ?? RETENTION_MS
    this.rawMs = opts.rawMs ?? RAW_MS
    this.closeGraceMs = opts.closeGraceMs ?? CLOSE_GRACE_MS
  }

  /**
   * Records one event: one line, one write(2) on an fd kept open in append mode. Synchronous and cheap; never throws.
   * False when it could not be written (a bad event — no finite `t`, or `t` over a day ahead of the clock — or I/O).
   */
  append(event: LocalEvent): boolean {
    try {
      const line = encodeEvent(event)
      if (line === null) return false
      const nowMs = this.now().getTime()
      if (event.t > nowMs + DAY_MS) return false
      const day = dayIndex(Math.max(event.t, nowMs))
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const fd = this.fdFor(day)
          const bytes = Buffer.byteLength(line)
          return writeSync(fd, line) === bytes
        } catch {
          this.closeFd()
        }
      }
      return false
    } catch {
      return false
    }
  }

  /** The open fd for day `day`'s segment, reopened when the day changed or the file was renamed or removed. */
  private fdFor(day: number): number {
    if (this.fd !== null && this.fdDay === day) {
      const st = statSync(this.fdPath, { throwIfNoEntry: false })
      if (st !== undefined && st.ino === this.fdIno && st.dev === this.fdDev) return this.fd
    }
    this.closeFd()
    this.ensureDir()
    const path = join(this.dir, segmentName(day))
    const fd = openSync(path, "a", 0o600)
    try {
      fchmodSync(fd, 0o600)
    } catch {
      // someone else's file: leave its mode
    }
    const st = fstatSync(fd)
    this.fd = fd
    this.fdDay = day
    this.fdPath = path
    this.fdIno = st.ino
    this.fdDev = st.dev
    return fd
  }

  private closeFd(): void {
    if (this.fd === null) return
    try {
      closeSync(this.fd)
    } catch {
      // already closed
    }
    this.fd = null
    this.fdDay = -1
  }

  private ensureDir(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    chmodSync(this.dir, 0o700)
  }

  /** Closes the append fd (it reopens on the next append). */
  close(): void {
    this.closeFd()
  }

  /** Segments in the directory, oldest day first. @internal */
  segments(): { name: string; day: number }[] {
    let names: string[]
    try {
      names = readdirSync(this.dir)
    } catch {
      return []
    }
    const out: { name: string; day: number }[] = []
    for (const name of names) {
      const day = segmentDay(name)
      if (day !== null) out.push({ name, day })
    }
    return out.sort((a, b) => a.day - b.day)
  }

  /**
   * Reads a whole segment; a corrupt one is set aside (renamed), its whole records moved to a fresh segment, and a
   * warning added. Null when the segment is gone. @internal
   */
  loadSegment(name: string, warnings: string[]): Loaded | null {
    const path = join(this.dir, name)
    const first = loadFile(path)
    if (first === null) return null
    const why = corruption(first)
    if (why === null) return first
    this.setAside(name, first, why, warnings)
    return loadFile(path)
  }

  private setAside(name: string, seen: Loaded, reason: string, warnings: string[]): void {
    try {
      const path = join(this.dir, name)
      const st = statSync(path, { throwIfNoEntry: false })
      // Another process set it aside already: the file at the path is a fresh one.
      if (st === undefined || st.ino !== seen.ino || st.dev !== seen.dev) return
      let aside = `${name}.corrupt-${this.now().getTime()}`
      if (statSync(join(this.dir, aside), { throwIfNoEntry: false }) !== undefined) aside += `-${randomBytes(3).toString("hex")}`
      renameSync(path, join(this.dir, aside))
      let kept = 0
      if (seen.records.length > 0) {
        const fd = openSync(path, "a", 0o600)
        try {
          fchmodSync(fd, 0o600)
          for (const chunk of chunks(seen.records)) writeSync(fd, chunk)
          kept = seen.records.length
        } finally {
          closeSync(fd)
        }
      }
      warnings.push(
        `The local usage file ${name} was damaged (${reason}): it was set aside as ${aside}, ${kept} whole record${kept === 1 ? " was" : "s were"} kept, and recording goes on.`,
      )
    } catch {
      warnings.push(`The local usage file ${name} is damaged (${reason}) and could not be set aside: its readable records are used.`)
    }
  }

  /** Records with `t >= sinceMs` from every segment that can hold them. Reads the files each time. */
  read(sinceMs: number): ReadResult {
    const since = Number.isFinite(sinceMs) ? sinceMs : 0
    const first = dayIndex(Math.max(0, since))
    const records: LocalRecord[] = []
    const warnings: string[] = []
    let skippedLines = 0
    for (const seg of this.segments()) {
      if (seg.day < first) continue
      const l = this.loadSegment(seg.name, warnings)
      if (l === null) continue
      skippedLines += l.bad
      for (const r of l.records) if (r.t >= since) records.push(r)
    }
    return { records, warnings, skippedLines }
  }

  /** An in-memory view for a long-running process: loads once, then reads only the bytes appended since. */
  live(): LiveView {
    return new LiveView(this)
  }

  /**
   * Background upkeep, off the hot path: drops segments past retention, rolls records older than a day in closed
   * segments into hourly aggregates, sets corrupt segments aside, and deletes old corrupt and stale temp files.
   * Never throws.
   */
  compact(): CompactResult {
    const result: CompactResult = { rewritten: [], removed: [], busy: [], warnings: [] }
    let nowMs: number
    try {
      nowMs = this.now().getTime()
    } catch {
      return result
    }
    const dropBefore = nowMs - this.retentionMs
    const rollBefore = Math.floor((nowMs - this.rawMs) / HOUR_MS) * HOUR_MS
    let names: string[]
    try {
      names = readdirSync(this.dir)
      this.ensureDir()
    } catch {
      return result
    }
    for (const name of names.sort()) {
      try {
        const day = segmentDay(name)
        if (day !== null) {
          const end = (day + 1) * DAY_MS
          if (end <= dropBefore) {
            unlinkSync(join(this.dir, name))
            result.removed.push(name)
            continue
          }
          if (end + this.closeGraceMs > nowMs) continue
          this.compactSegment(name, { rollBefore, dropBefore }, nowMs, result)
          continue
        }
        const corrupt = CORRUPT.exec(name)
        if (corrupt && Number(corrupt[1]) < dropBefore) {
          unlinkSync(join(this.dir, name))
          result.removed.push(name)
          continue
        }
        const temp = TEMP.exec(name)
        if (temp && Number(temp[1]) < nowMs - HOUR_MS) {
          unlinkSync(join(this.dir, name))
          result.removed.push(name)
        }
      } catch {
        // one file that cannot be handled does not stop the others
      }
    }
    return result
  }

  private compactSegment(name: string, opts: { rollBefore: number; dropBefore: number }, nowMs: number, result: CompactResult): void {
    const path = join(this.dir, name)
    const dayEnd = ((segmentDay(name) ?? 0) + 1) * DAY_MS
    const memo = this.compacted.get(name)
    if (memo !== undefined) {
      const st = statSync(path, { throwIfNoEntry: false })
      const same = st !== undefined && st.ino === memo.ino && st.dev === memo.dev && st.size === memo.size && st.mtimeMs === memo.mtimeMs
      if (same && opts.rollBefore <= memo.minRaw && opts.dropBefore <= memo.minAll) return
      this.compacted.delete(name)
    }
    const l = this.loadSegment(name, result.warnings)
    if (l === null) return
    const rolled = rollUp(l.records, opts)
    const unchanged = (): boolean => {
      const st = statSync(path, { throwIfNoEntry: false })
      return st !== undefined && st.ino === l.ino && st.dev === l.dev && st.size === l.size
    }
    if (!rolled.changed && l.bad === 0 && l.tail === 0) {
      const st = statSync(path, { throwIfNoEntry: false })
      if (st !== undefined && unchanged()) this.compacted.set(name, memoOf(st, l.records, opts.rollBefore, dayEnd))
      return
    }
    if (rolled.records.length === 0) {
      if (!unchanged()) {
        result.busy.push(name)
        return
      }
      unlinkSync(path)
      result.removed.push(name)
      return
    }
    const temp = join(this.dir, `.${name}.${process.pid}.${nowMs}.${randomBytes(4).toString("hex")}.tmp`)
    const fd = openSync(temp, "wx", 0o600)
    let st: Stats
    try {
      for (const chunk of chunks(rolled.records)) writeSync(fd, chunk)
      st = fstatSync(fd)
    } finally {
      closeSync(fd)
    }
    if (!unchanged()) {
      unlinkSync(temp)
      result.busy.push(name)
      return
    }
    renameSync(temp, path)
    this.compacted.set(name, memoOf(st, rolled.records, opts.rollBefore, dayEnd))
    result.rewritten.push(name)
  }

  /** Files and bytes the store holds on disk (segments, corrupt files set aside, temp files). */
  diskUsage(): { files: number; bytes: number } {
    let names: string[]
    try {
      names = readdirSync(this.dir)
    } catch {
      return { files: 0, bytes: 0 }
    }
    let files = 0
    let bytes = 0
    for (const name of names) {
      const st = statSync(join(this.dir, name), { throwIfNoEntry: false })
      if (st === undefined || !st.isFile()) continue
      files++
      bytes += st.size
    }
    return { files, bytes }
  }
}

interface CachedSegment {
  ino: number
  dev: number
  /** Bytes consumed: just after the last whole line read. */
  offset: number
  records: LocalRecord[]
}

export interface LiveResult {
  /**
   * Records with `t >= since`, not sorted. The view's own array, updated in place by the next `read`: treat it as
   * read-only and use it before reading again (copy it to keep it).
   */
  records: readonly LocalRecord[]
  warnings: string[]
  skippedLines: number
}

/**
 * The records of a store kept in memory, for a long-running process. Each `read(since)` lists the segments that can
 * hold records since then and reads, for each, only the bytes appended (by any process) after the last whole line it
 * read. A segment whose file was replaced (compacted, set aside) or shrank is read again whole.
 *
 * The answer is one flat array kept between reads: new records are pushed onto it, records older than `since` are
 * trimmed from it in place, and it is rebuilt only when a segment was read again whole or `since` moved back. So a
 * query costs what was appended since the last one, not what is held.
 */
export class LiveView {
  private readonly cache = new Map<string, CachedSegment>()
  private all: LocalRecord[] = []
  private allSince = Infinity
  /** The smallest `t` in `all` (Infinity when empty). */
  private minT = Infinity

  constructor(private readonly store: LocalStore) {}

  read(sinceMs: number): LiveResult {
    const since = Number.isFinite(sinceMs) ? sinceMs : 0
    const first = dayIndex(Math.max(0, since))
    const warnings: string[] = []
    let skippedLines = 0
    let rebuild = since < this.allSince
    const fresh: LocalRecord[][] = []

    const wanted = this.store.segments().filter((s) => s.day >= first)
    const names = new Set(wanted.map((s) => s.name))
    // Segments before day(since) hold only records older than since: dropping them needs no rebuild (the trim below).
    for (const name of this.cache.keys()) if (!names.has(name)) this.cache.delete(name)

    for (const seg of wanted) {
      const path = join(this.store.dir, seg.name)
      const cached = this.cache.get(seg.name)
      let st: Stats | undefined
      try {
        st = statSync(path, { throwIfNoEntry: false })
      } catch {
        st = undefined
      }
      if (st === undefined) {
        if (cached !== undefined) rebuild = true
        this.cache.delete(seg.name)
        continue
      }
      const same = cached !== undefined && cached.ino === st.ino && cached.dev === st.dev && st.size >= cached.offset
      if (cached !== undefined && same) {
        if (st.size === cached.offset) continue
        const chunk = loadFile(path, cached.offset)
        if (chunk !== null && chunk.ino === cached.ino && chunk.dev === cached.dev && corruption(chunk) === null) {
          skippedLines += chunk.bad
          for (const r of chunk.records) cached.records.push(r)
          cached.offset = chunk.consumed
          if (chunk.records.length > 0) fresh.push(chunk.records)
          continue
        }
      }
      // new to the view, replaced, shrunk or damaged: read whole
      const whole = this.store.loadSegment(seg.name, warnings)
      if (cached !== undefined) rebuild = true
      if (whole === null) {
        this.cache.delete(seg.name)
        continue
      }
      skippedLines += whole.bad
      this.cache.set(seg.name, { ino: whole.ino, dev: whole.dev, offset: whole.consumed, records: whole.records })
      fresh.push(whole.records)
    }

    if (rebuild) {
      this.all = []
      this.minT = Infinity
      this.allSince = since
      for (const seg of wanted) {
        const c = this.cache.get(seg.name)
        if (c !== undefined) this.add(c.records)
      }
    } else {
      for (const records of fresh) this.add(records)
      if (since > this.allSince) {
        this.allSince = since
        if (this.minT < since) this.trim()
      }
    }
    return { records: this.all, warnings, skippedLines }
  }

  private add(records: readonly LocalRecord[]): void {
    const since = this.allSince
    for (const r of records) {
      if (r.t < since) continue
      this.all.push(r)
      if (r.t < this.minT) this.minT = r.t
    }
  }

  private trim(): void {
    const all = this.all
    const since = this.allSince
    let min = Infinity
    let w = 0
    for (let i = 0; i < all.length; i++) {
      const r = all[i]!
      if (r.t < since) continue
      all[w++] = r
      if (r.t < min) min = r.t
    }
    all.length = w
    this.minT = min
  }
}
