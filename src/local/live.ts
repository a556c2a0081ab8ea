// The live view of the local record store, for a long-running process (the plugin): it keeps the records in memory
// and reads only what was appended since. Why reading beside the writers and the compactor is safe: the headers of
// src/local/store.ts and src/local/compact.ts.
import { statSync, type Stats } from "node:fs"
import { join } from "node:path"
import type { LocalRecord } from "../core/record/records.ts"
import { corruption, dayIndex, loadFile, type SegmentSource } from "./segment.ts"

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

  constructor(private readonly store: SegmentSource) {}

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
