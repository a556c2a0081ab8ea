// One day's segment file of the local record store: its name, reading it (whole or from an offset), judging whether it
// is damaged, and writing records into it in chunks. Shared by the store, its live view and compaction; the why of the
// layout is in the header of src/local/store.ts.
import { chmodSync, closeSync, constants, fstatSync, mkdirSync, openSync, readSync } from "node:fs"
import { DAY_MS, type LocalRecord } from "../core/record/records.ts"
import { encodeRecord, MAX_LINE_BYTES, parseLines } from "./codec.ts"

const SEGMENT = /^events-(\d{4})-(\d{2})-(\d{2})\.jsonl$/

/** Days since the epoch (UTC). */
export const dayIndex = (ms: number): number => Math.floor(ms / DAY_MS)

/** `events-YYYY-MM-DD.jsonl` of a UTC day index. */
export function segmentName(day: number): string {
  return `events-${new Date(day * DAY_MS).toISOString().slice(0, 10)}.jsonl`
}

/** The UTC day index a segment's name stands for; null for any other file. */
export function segmentDay(name: string): number | null {
  const m = SEGMENT.exec(name)
  if (!m) return null
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return Number.isFinite(ms) ? dayIndex(ms) : null
}

/** Creates the state directory if it is missing, and keeps it private to the user (0700). */
export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
}

/** One file as read: its whole lines parsed; what follows the last newline is left for later. */
export interface Loaded {
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
  /** Read through the segment's checkpoint (src/local/checkpoint.ts): its first bytes come rolled up. */
  checkpoint?: boolean
}

/** What the live view and compaction need of a store: its segments, and whole reads that set damage aside. */
export interface SegmentSource {
  readonly dir: string
  segments(): { name: string; day: number }[]
  loadSegment(name: string, warnings: string[]): Loaded | null
}

export function loadFile(path: string, from = 0): Loaded | null {
  let fd: number
  try {
    // Non-blocking: a FIFO at the path would otherwise hold the open (and the report) until a writer came.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch {
    return null
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) return null
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

export function corruption(l: Pick<Loaded, "nul" | "tail" | "bad" | "good">): string | null {
  if (l.nul) return "it holds NUL bytes"
  if (l.tail > MAX_LINE_BYTES) return "it ends in more than 4 KiB without a line break"
  if (l.bad >= 3 && l.bad > l.good) return `${l.bad} of ${l.bad + l.good} lines are unreadable`
  return null
}

const CHUNK_BYTES = 64 * 1024

/** Lines grouped into writes of whole lines, at most 64 KiB each (one line may exceed that alone; none does). */
export function chunks(records: readonly LocalRecord[]): string[] {
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
