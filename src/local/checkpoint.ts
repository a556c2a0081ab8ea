// The roll-up of a segment that is still being appended to (today's, or yesterday's within the grace hour): a file
// beside it, `events-YYYY-MM-DD.jsonl.rollup`, holding what compaction would make of the segment's first `offset`
// bytes (hourly aggregates of events older than six hours, thinned snapshots, turns and recent events whole). An edge
// module: it touches files.
//
// Why: at Max-plan pace today's segment holds ~43,000 raw lines by the afternoon, and compaction may not rewrite it
// while writers append (src/local/compact.ts). Every report read them all; with the checkpoint a reader takes the
// roll-up and parses only the bytes appended after `offset` — the same summary, a few hundred records instead.
//
// Safety: the segment itself is never touched, so writers and older versions of glm-quota (which read only
// `events-*.jsonl` and ignore this file) are unaffected. The checkpoint names the segment file it was made from
// (inode, device) and the SHA-1 of the 256 bytes before `offset`; a reader uses it only when the segment at the path
// is that file, at least that long, with those bytes — else (set aside, compacted, replaced, truncated) it reads the
// segment whole, as before. It is written to a temp file and renamed over, so a reader sees an old or a new one,
// whole; two compactors at once each write a valid one.
import { createHash, randomBytes } from "node:crypto"
import {
  closeSync,
  constants,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs"
import { join } from "node:path"
import type { LocalRecord } from "../core/record/records.ts"
import { parseLines } from "./codec.ts"
import { rollUp } from "./rollup.ts"
import { chunks, corruption, loadFile, type Loaded } from "./segment.ts"

/** The checkpoint file of a segment. */
export const checkpointName = (segment: string): string => `${segment}.rollup`
export const CHECKPOINT = /^(events-\d{4}-\d{2}-\d{2}\.jsonl)\.rollup$/

const VERSION = 1
const FINGERPRINT_BYTES = 256

interface Header {
  v: number
  ino: number
  dev: number
  offset: number
  sha1: string
  /** Damaged lines skipped, and lines read, in the covered bytes. */
  bad: number
  good: number
}

/** SHA-1 of the up to 256 bytes before `offset` of the open file `fd`. */
function fingerprint(fd: number, offset: number): string {
  const start = Math.max(0, offset - FINGERPRINT_BYTES)
  const buf = Buffer.alloc(offset - start)
  let got = 0
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, start + got)
    if (n === 0) break
    got += n
  }
  return createHash("sha1").update(buf.subarray(0, got)).digest("hex")
}

function fingerprintOf(path: string, offset: number): string | null {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch {
    return null
  }
  try {
    return fingerprint(fd, offset)
  } catch {
    return null
  } finally {
    closeSync(fd)
  }
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0

function parseHeader(line: string): Header | null {
  try {
    const h = JSON.parse(line) as Partial<Header> | null
    if (h === null || typeof h !== "object" || h.v !== VERSION || typeof h.sha1 !== "string") return null
    if (![h.ino, h.dev, h.offset, h.bad, h.good].every(isCount)) return null
    return h as Header
  } catch {
    return null
  }
}

/** The checkpoint's header and records, or null when there is none or it is unreadable. */
function readCheckpoint(dir: string, segment: string): { header: Header; records: LocalRecord[] } | null {
  let text: string
  try {
    text = readFileSync(join(dir, checkpointName(segment)), "utf8")
  } catch {
    return null
  }
  const nl = text.indexOf("\n")
  if (nl < 0 || !text.endsWith("\n")) return null
  const header = parseHeader(text.slice(0, nl))
  if (header === null) return null
  const parsed = parseLines(text.slice(nl + 1))
  if (parsed.bad > 0) return null
  return { header, records: parsed.records }
}

/**
 * A segment read through its checkpoint: the roll-up of its first bytes and the lines appended after them. Null when
 * there is no checkpoint for the file now at the path, or the result looks damaged (the caller then reads it whole).
 */
export function loadThroughCheckpoint(dir: string, segment: string): Loaded | null {
  const cp = readCheckpoint(dir, segment)
  if (cp === null) return null
  const path = join(dir, segment)
  const { header } = cp
  const st = statSync(path, { throwIfNoEntry: false })
  if (st === undefined || st.ino !== header.ino || st.dev !== header.dev || st.size < header.offset) return null
  if (fingerprintOf(path, header.offset) !== header.sha1) return null
  const rest = loadFile(path, header.offset)
  if (rest === null || rest.ino !== header.ino || rest.dev !== header.dev) return null
  const loaded: Loaded = {
    ...rest,
    checkpoint: true,
    records: rest.records.length === 0 ? cp.records : [...cp.records, ...rest.records],
    bad: header.bad + rest.bad,
    good: header.good + rest.good,
  }
  return corruption(loaded) === null ? loaded : null
}

/**
 * Writes (or renews) the checkpoint of a segment still being appended to, when rolling it up at `rollBefore` would
 * change something. True when a new checkpoint was written. Throws on I/O errors (the compactor catches them).
 */
export function writeCheckpoint(
  dir: string,
  segment: string,
  opts: { rollBefore: number; dropBefore: number },
  nowMs: number,
): boolean {
  const path = join(dir, segment)
  const l = loadThroughCheckpoint(dir, segment) ?? loadFile(path)
  if (l === null || corruption(l) !== null || l.consumed === 0) return false
  const rolled = rollUp(l.records, opts)
  // Nothing new to roll up: the checkpoint read above (or the raw segment) serves as well.
  if (!rolled.changed) return false
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  let sha1: string
  try {
    sha1 = fingerprint(fd, l.consumed)
  } finally {
    closeSync(fd)
  }
  const header: Header = { v: VERSION, ino: l.ino, dev: l.dev, offset: l.consumed, sha1, bad: l.bad, good: l.good }
  const name = checkpointName(segment)
  const temp = join(dir, `.${name}.${process.pid}.${nowMs}.${randomBytes(4).toString("hex")}.tmp`)
  const out = openSync(temp, "wx", 0o600)
  try {
    writeSync(out, JSON.stringify(header) + "\n")
    for (const chunk of chunks(rolled.records)) writeSync(out, chunk)
  } finally {
    closeSync(out)
  }
  const now = statSync(path, { throwIfNoEntry: false })
  if (now === undefined || now.ino !== l.ino || now.dev !== l.dev) {
    unlinkSync(temp)
    return false
  }
  renameSync(temp, join(dir, name))
  return true
}

/** Removes a segment's checkpoint (after the segment was compacted, dropped or set aside); never throws. */
export function removeCheckpoint(dir: string, segment: string): boolean {
  try {
    unlinkSync(join(dir, checkpointName(segment)))
    return true
  } catch {
    return false
  }
}
