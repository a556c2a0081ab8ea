// Compaction of the local record store: background upkeep, off the hot path. An edge module: it touches files; the
// clock is injected. The layout and the writers' side are in the header of src/local/store.ts.
//
// Why rewriting is safe beside the writers:
// - Compaction rewrites (write a temp file, then rename over) only segments that are closed: their day ended at least
//   `closeGraceMs` (1 h) ago. No writer opens a closed segment, and a writer still holding an fd on one reopens
//   before its next write because the day changed. Before the rename the compactor checks that the segment's inode
//   and size are what it read; if a very late line landed meanwhile it leaves the segment for the next run. Two
//   compactors at once: the second sees the first's new inode and skips. Today's segment is never rewritten; that is
//   why segments are per day rather than one file. The one loss left: a process frozen for over an hour exactly
//   between choosing its segment and its write(2) (then that one line goes to the replaced file).
//
// Size: raw lines for 30 days at Max-plan pace would be ~100 MB (a busy day is ~43,000 lines of ~85 bytes). So
// `compact` rolls records older than six hours (`rawMs`), in closed segments, into hourly aggregates per session and
// model (src/local/rollup.ts) and drops everything older than 35 days: 30 such days take ~4 MB (bench/local.ts).
// Today's segment (and yesterday's in the grace hour) is not rewritten but rolled up beside it, into a checkpoint the
// readers use (src/local/checkpoint.ts); it is removed once the segment itself is compacted. `compact` remembers what it saw of each closed segment, so running
// it hourly reads a segment again only when something in it has come due.
import { randomBytes } from "node:crypto"
import { closeSync, fstatSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs"
import type { Stats } from "node:fs"
import { join } from "node:path"
import { DAY_MS, HOUR_MS, type LocalRecord } from "../core/record/records.ts"
import { CHECKPOINT, writeCheckpoint } from "./checkpoint.ts"
import { rollUp } from "./rollup.ts"
import { chunks, ensureDir, segmentDay, type SegmentSource } from "./segment.ts"

export const RETENTION_MS = 35 * DAY_MS
/** Raw events older than this are rolled up (6 h: the 5-hour window and the hour of burn stay raw, the disk stays small). */
export const RAW_MS = 6 * HOUR_MS
export const CLOSE_GRACE_MS = HOUR_MS

const CORRUPT = /^events-\d{4}-\d{2}-\d{2}\.jsonl\.corrupt-(\d+)(?:-[0-9a-f]+)?$/
const TEMP = /^\.events-\d{4}-\d{2}-\d{2}\.jsonl(?:\.rollup)?\.\d+\.(\d+)\.[0-9a-f]+\.tmp$/

export interface CompactOptions {
  /** Records older than this are dropped by `compact` (default 35 days). */
  retentionMs?: number
  /** Events older than this are rolled into hourly aggregates by `compact` (default 6 hours). */
  rawMs?: number
  /** A day's segment is rewritten only this long after the day ended (default 1 hour). */
  closeGraceMs?: number
}

export interface CompactResult {
  /** Segments rewritten (rolled up or trimmed). */
  rewritten: string[]
  /** Files deleted (segments past retention, old corrupt files, stale temp files). */
  removed: string[]
  /** Segments left for the next run because they changed while being compacted. */
  busy: string[]
  /** Segments still being appended to whose roll-up beside them was written (src/local/checkpoint.ts). */
  checkpointed: string[]
  warnings: string[]
}

interface CompactMemo {
  ino: number
  dev: number
  size: number
  mtimeMs: number
  /**
   * Due for a roll-up when the roll-up instant passes this: the earliest raw event at or after the instant used last
   * time, or — when only raw snapshots are left there — the end of the segment's day (snapshots are thinned with
   * the events, or once when the whole day is older than `rawMs`, not every hour).
   */
  minRaw: number
  /** The earliest record: due when retention passes it. */
  minAll: number
}

function memoOf(
  st: { ino: number; dev: number; size: number; mtimeMs: number },
  records: readonly LocalRecord[],
  rollBefore: number,
  dayEnd: number,
): CompactMemo {
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

/** The compaction of one store's directory, with what this process saw of each closed segment between runs. */
export class Compactor {
  private readonly retentionMs: number
  private readonly rawMs: number
  private readonly closeGraceMs: number
  /** What this process last saw of each closed segment, so an unchanged one with nothing due is not read again. */
  private readonly compacted = new Map<string, CompactMemo>()

  constructor(
    private readonly store: SegmentSource,
    private readonly now: () => Date,
    opts: CompactOptions = {},
  ) {
    this.retentionMs = opts.retentionMs ?? RETENTION_MS
    this.rawMs = opts.rawMs ?? RAW_MS
    this.closeGraceMs = opts.closeGraceMs ?? CLOSE_GRACE_MS
  }

  /**
   * Drops segments past retention, rolls records older than `rawMs` in closed segments into hourly aggregates, sets
   * corrupt segments aside, and deletes old corrupt and stale temp files. Never throws.
   */
  run(): CompactResult {
    const result: CompactResult = { rewritten: [], removed: [], busy: [], checkpointed: [], warnings: [] }
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
      names = readdirSync(this.store.dir)
      ensureDir(this.store.dir)
    } catch {
      return result
    }
    for (const name of names.sort()) {
      try {
        const day = segmentDay(name)
        if (day !== null) {
          const end = (day + 1) * DAY_MS
          if (end <= dropBefore) {
            unlinkSync(join(this.store.dir, name))
            result.removed.push(name)
            continue
          }
          if (end + this.closeGraceMs > nowMs) {
            if (writeCheckpoint(this.store.dir, name, { rollBefore, dropBefore }, nowMs)) result.checkpointed.push(name)
            continue
          }
          this.segment(name, { rollBefore, dropBefore }, nowMs, result)
          continue
        }
        // A checkpoint outlives its use once its segment is closed (compacted) or gone.
        const checkpoint = CHECKPOINT.exec(name)
        if (checkpoint) {
          const segDay = segmentDay(checkpoint[1]!)
          const open = segDay !== null && (segDay + 1) * DAY_MS + this.closeGraceMs > nowMs
          if (!open || !names.includes(checkpoint[1]!)) {
            unlinkSync(join(this.store.dir, name))
            result.removed.push(name)
          }
          continue
        }
        const corrupt = CORRUPT.exec(name)
        if (corrupt && Number(corrupt[1]) < dropBefore) {
          unlinkSync(join(this.store.dir, name))
          result.removed.push(name)
          continue
        }
        const temp = TEMP.exec(name)
        if (temp && Number(temp[1]) < nowMs - HOUR_MS) {
          unlinkSync(join(this.store.dir, name))
          result.removed.push(name)
        }
      } catch {
        // one file that cannot be handled does not stop the others
      }
    }
    return result
  }

  private segment(
    name: string,
    opts: { rollBefore: number; dropBefore: number },
    nowMs: number,
    result: CompactResult,
  ): void {
    const path = join(this.store.dir, name)
    const dayEnd = ((segmentDay(name) ?? 0) + 1) * DAY_MS
    const memo = this.compacted.get(name)
    if (memo !== undefined) {
      const st = statSync(path, { throwIfNoEntry: false })
      const same =
        st !== undefined &&
        st.ino === memo.ino &&
        st.dev === memo.dev &&
        st.size === memo.size &&
        st.mtimeMs === memo.mtimeMs
      if (same && opts.rollBefore <= memo.minRaw && opts.dropBefore <= memo.minAll) return
      this.compacted.delete(name)
    }
    const l = this.store.loadSegment(name, result.warnings)
    if (l === null) return
    const rolled = rollUp(l.records, opts)
    const unchanged = (): boolean => {
      const st = statSync(path, { throwIfNoEntry: false })
      return st !== undefined && st.ino === l.ino && st.dev === l.dev && st.size === l.size
    }
    // Read through its checkpoint, the file itself is still raw: it is rewritten even when the roll-up adds nothing.
    if (!rolled.changed && l.checkpoint !== true && l.bad === 0 && l.tail === 0) {
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
    const temp = join(this.store.dir, `.${name}.${process.pid}.${nowMs}.${randomBytes(4).toString("hex")}.tmp`)
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
}
