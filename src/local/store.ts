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
// - Compaction rewrites only closed segments (their day ended over an hour ago), by a rename it checks first; why
//   that is safe beside the writers: src/local/compact.ts.
// - Each append checks (one stat) that its fd still is the file at the segment's path; if the file was renamed
//   (set aside as corrupt) or removed, it reopens, so recording carries on in a fresh file.
//
// Damage: a torn last line (a crash mid-write) is left unread until it is completed or glued to the next line, whose
// whole record is then recovered (codec). A file with NUL bytes, more than 4 KiB without a newline, or mostly
// unreadable lines (at least 3, and more bad than good) is set aside as `<name>.corrupt-<ms>`, its whole records are
// appended to a fresh segment, and the caller gets a warning. Corrupt files are deleted after the retention period.
// (Two processes setting the same file aside at once check its inode first; only one of them moves it.)
//
// Size: `compact` rolls records older than six hours into hourly aggregates and drops those past 35 days, so 30 days
// at Max-plan pace take ~4 MB (src/local/compact.ts, bench/local.ts). The segment still being appended to is rolled up
// beside it instead (`events-YYYY-MM-DD.jsonl.rollup`, src/local/checkpoint.ts), which readers take in place of its
// first bytes: a report reads a few hundred records for today, not ~43,000.
import { randomBytes } from "node:crypto"
import { closeSync, fchmodSync, fstatSync, openSync, readdirSync, renameSync, statSync, writeSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import { DAY_MS, type LocalEvent, type LocalRecord } from "../core/record/records.ts"
import type { Env } from "../core/types.ts"
import { loadThroughCheckpoint } from "./checkpoint.ts"
import { encodeEvent } from "./codec.ts"
import { Compactor, type CompactOptions, type CompactResult } from "./compact.ts"
import { LiveView } from "./live.ts"
import { chunks, corruption, dayIndex, ensureDir, loadFile, segmentDay, segmentName, type Loaded } from "./segment.ts"

export type {
  CallEvent,
  HourAggregate,
  LocalEvent,
  LocalRecord,
  McpEvent,
  PromptEvent,
  SnapshotEvent,
  TurnEvent,
} from "../core/record/records.ts"

/** `$XDG_STATE_HOME/glm-quota`, default `~/.local/state/glm-quota`. */
export function stateDir(env: Env, home: string = homedir()): string {
  const xdg = env.XDG_STATE_HOME?.trim()
  return join(xdg ? xdg : join(home, ".local", "state"), "glm-quota")
}

export interface LocalStoreOptions extends CompactOptions {
  /** The state directory (see `stateDir`). */
  dir: string
  now: () => Date
}

export interface ReadResult {
  /** Records with `t >= since` (aggregates by their hour's start), in file order — not sorted. */
  records: LocalRecord[]
  /** One plain sentence per file set aside as corrupt. */
  warnings: string[]
  /** Damaged lines skipped. */
  skippedLines: number
}

export class LocalStore {
  readonly dir: string
  private readonly now: () => Date
  private fd: number | null = null
  private fdDay = -1
  private fdPath = ""
  private fdIno = -1
  private fdDev = -1
  private readonly compactor: Compactor

  constructor(opts: LocalStoreOptions) {
    this.dir = opts.dir
    this.now = opts.now
    this.compactor = new Compactor(this, opts.now, opts)
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
    ensureDir(this.dir)
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
   * Reads a whole segment — through its checkpoint when it has a valid one (src/local/checkpoint.ts); a corrupt one is set aside (renamed), its whole records moved to a fresh segment, and a
   * warning added. Null when the segment is gone. @internal
   */
  loadSegment(name: string, warnings: string[]): Loaded | null {
    const rolled = loadThroughCheckpoint(this.dir, name)
    if (rolled !== null) return rolled
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
      if (statSync(join(this.dir, aside), { throwIfNoEntry: false }) !== undefined)
        aside += `-${randomBytes(3).toString("hex")}`
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
      warnings.push(
        `The local usage file ${name} is damaged (${reason}) and could not be set aside: its readable records are used.`,
      )
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
   * Background upkeep, off the hot path: drops segments past retention, rolls records older than six hours (`rawMs`)
   * in closed segments into hourly aggregates, sets corrupt segments aside, and deletes old corrupt and stale temp
   * files. Never throws.
   */
  compact(): CompactResult {
    return this.compactor.run()
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
