// A read-only reader for the SQLite file format (https://www.sqlite.org/fileformat2.html), just enough to read the
// rows of one ordinary table: the database file's pages with the committed frames of its write-ahead log on top (WAL
// mode keeps the newest rows in `<db>-wal` while the writer runs), the schema table, table b-trees, overflow pages and
// records. No locks are taken and nothing is written. Pages are read on demand (a database may be large), every page
// number and chain is bounded, and anything that does not add up throws a SqliteFormatError.
import { parseColumns } from "./sqlite-schema.ts"

export class SqliteFormatError extends Error {
  override name = "SqliteFormatError"
}

/** Reads `length` bytes at `offset`; fewer at the end of the file. */
export type ReadAt = (offset: number, length: number) => Buffer

export interface SqliteSource {
  db: { read: ReadAt; size: number }
  /** The `-wal` file beside it, when there is one. */
  wal?: { read: ReadAt; size: number } | null
}

export type SqlValue = null | number | bigint | string | Uint8Array

const MAGIC = "SQLite format 3\u0000"
const MAX_DEPTH = 40
const MAX_ROWS = 100_000
const MAX_CELL_BYTES = 16 * 1024 * 1024

const bad = (what: string): never => {
  throw new SqliteFormatError(what)
}

/** A varint at `at`: its value (as a number; SQLite's are < 2^53 where they matter here) and its length. */
export function varint(buf: Uint8Array, at: number): [number, number] {
  let v = 0
  for (let i = 0; i < 8; i++) {
    const b = buf[at + i]
    if (b === undefined) return bad("a varint runs past its page")
    v = v * 128 + (b & 0x7f)
    if ((b & 0x80) === 0) return [v, i + 1]
  }
  const last = buf[at + 8]
  if (last === undefined) return bad("a varint runs past its page")
  return [v * 256 + last, 9]
}

/** The committed page images of a WAL: page number → offset of the page in the WAL file, and the database size. */
function readWal(
  wal: { read: ReadAt; size: number },
  pageSize: number,
): { pages: Map<number, number>; dbPages: number } {
  const none = { pages: new Map<number, number>(), dbPages: 0 }
  if (wal.size < 32) return none
  const h = wal.read(0, 32)
  const magic = h.readUInt32BE(0)
  if ((magic & 0xfffffffe) !== 0x377f0682 || h.readUInt32BE(8) !== pageSize) return none
  const bigEndian = (magic & 1) === 1
  let s0 = 0
  let s1 = 0
  const sum = (b: Buffer, from: number, to: number) => {
    for (let i = from; i < to; i += 8) {
      const x0 = bigEndian ? b.readUInt32BE(i) : b.readUInt32LE(i)
      const x1 = bigEndian ? b.readUInt32BE(i + 4) : b.readUInt32LE(i + 4)
      s0 = (s0 + x0 + s1) >>> 0
      s1 = (s1 + x1 + s0) >>> 0
    }
  }
  sum(h, 0, 24)
  if (s0 !== h.readUInt32BE(24) || s1 !== h.readUInt32BE(28)) return none
  const salt1 = h.readUInt32BE(16)
  const salt2 = h.readUInt32BE(20)
  const frame = 24 + pageSize
  const pending = new Map<number, number>()
  const out = none
  for (let at = 32; at + frame <= wal.size; at += frame) {
    const f = wal.read(at, frame)
    if (f.length < frame || f.readUInt32BE(8) !== salt1 || f.readUInt32BE(12) !== salt2) break
    sum(f, 0, 8)
    sum(f, 24, frame)
    if (s0 !== f.readUInt32BE(16) || s1 !== f.readUInt32BE(20)) break
    pending.set(f.readUInt32BE(0), at + 24)
    const commit = f.readUInt32BE(4)
    if (commit !== 0) {
      for (const [p, o] of pending) out.pages.set(p, o)
      pending.clear()
      out.dbPages = commit
    }
  }
  return out
}

export class SqliteFile {
  readonly pageSize: number
  private readonly usable: number
  private readonly pageCount: number
  private readonly walPages: Map<number, number>

  constructor(private readonly src: SqliteSource) {
    const h = src.db.read(0, 100)
    if (h.length < 100 || h.subarray(0, 16).toString("latin1") !== MAGIC) bad("not an SQLite database")
    const raw = h.readUInt16BE(16)
    this.pageSize = raw === 1 ? 65536 : raw
    if (this.pageSize < 512 || (this.pageSize & (this.pageSize - 1)) !== 0) bad("an impossible page size")
    if (h.readUInt32BE(56) > 1) bad("a text encoding other than UTF-8")
    this.usable = this.pageSize - h[20]!
    const walMode = h[18] === 2 && h[19] === 2
    const wal = walMode && src.wal ? readWal(src.wal, this.pageSize) : { pages: new Map<number, number>(), dbPages: 0 }
    this.walPages = wal.pages
    this.pageCount = wal.dbPages > 0 ? wal.dbPages : Math.floor(src.db.size / this.pageSize)
  }

  page(n: number): Buffer {
    if (!Number.isInteger(n) || n < 1 || n > this.pageCount) bad(`a page number out of range (${n})`)
    const inWal = this.walPages.get(n)
    const buf =
      inWal !== undefined
        ? this.src.wal!.read(inWal, this.pageSize)
        : this.src.db.read((n - 1) * this.pageSize, this.pageSize)
    if (buf.length < this.pageSize) bad("a page is cut short")
    return buf
  }

  /** Every row of the table b-tree rooted at `root`, as [rowid, record payload]. */
  *tableRows(root: number): Generator<[number, Buffer]> {
    const seen = new Set<number>()
    let count = 0
    const walk = function* (this: SqliteFile, n: number, depth: number): Generator<[number, Buffer]> {
      if (depth > MAX_DEPTH || seen.has(n)) bad("a b-tree that loops")
      seen.add(n)
      const page = this.page(n)
      const at = n === 1 ? 100 : 0
      const type = page[at]
      const cells = page.readUInt16BE(at + 3)
      const head = type === 5 ? 12 : 8
      if (type !== 5 && type !== 13) bad(`a table page of unknown type ${type}`)
      for (let i = 0; i < cells; i++) {
        const ptr = page.readUInt16BE(at + head + i * 2)
        if (type === 5) yield* walk.call(this, page.readUInt32BE(ptr), depth + 1)
        else {
          if (++count > MAX_ROWS) bad("more rows than a key table has")
          yield this.leafCell(page, ptr)
        }
      }
      if (type === 5) yield* walk.call(this, page.readUInt32BE(at + 8), depth + 1)
    }
    yield* walk.call(this, root, 0)
  }

  /** A table leaf cell: its rowid and whole payload (the local part, then the overflow chain). */
  private leafCell(page: Buffer, ptr: number): [number, Buffer] {
    const [size, a] = varint(page, ptr)
    const [rowid, b] = varint(page, ptr + a)
    if (size > MAX_CELL_BYTES) bad("a row larger than 16 MiB")
    const start = ptr + a + b
    const u = this.usable
    const x = u - 35
    let local = size
    if (size > x) {
      const m = Math.floor(((u - 12) * 32) / 255) - 23
      const k = m + ((size - m) % (u - 4))
      local = k <= x ? k : m
    }
    if (start + local > page.length) bad("a cell runs past its page")
    const parts = [page.subarray(start, start + local)]
    let got = local
    let next = local < size ? page.readUInt32BE(start + local) : 0
    const seen = new Set<number>()
    while (got < size) {
      if (next === 0 || seen.has(next)) bad("an overflow chain that breaks or loops")
      seen.add(next)
      const o = this.page(next)
      const take = Math.min(u - 4, size - got)
      parts.push(o.subarray(4, 4 + take))
      got += take
      next = o.readUInt32BE(0)
    }
    return [rowid, Buffer.concat(parts, size)]
  }

  /** The rows of the ordinary table `name` as objects keyed by column name; null when there is no such table. */
  readTable(name: string): Record<string, SqlValue>[] | null {
    for (const [, payload] of this.tableRows(1)) {
      const [type, tblName, , rootpage, sql] = record(payload)
      if (type !== "table" || typeof tblName !== "string" || tblName !== name) continue
      if (typeof rootpage !== "number" || typeof sql !== "string") return bad(`the table ${name} has no root page`)
      const columns = parseColumns(sql)
      const rows: Record<string, SqlValue>[] = []
      for (const [rowid, body] of this.tableRows(rootpage)) {
        const values = record(body)
        rows.push(Object.fromEntries(columns.map((c, i) => [c.name, c.rowid ? rowid : (values[i] ?? null)])))
      }
      return rows
    }
    return null
  }
}

/** A record's values (https://www.sqlite.org/fileformat2.html#record_format). */
export function record(buf: Buffer): SqlValue[] {
  const [headerSize, n] = varint(buf, 0)
  if (headerSize > buf.length) bad("a record header past its record")
  const types: number[] = []
  for (let at = n; at < headerSize;) {
    const [t, len] = varint(buf, at)
    types.push(t)
    at += len
  }
  const out: SqlValue[] = []
  let at = headerSize
  const ints = [0, 1, 2, 3, 4, 6, 8]
  for (const t of types) {
    if (t === 0 || t === 10 || t === 11) out.push(null)
    else if (t === 8 || t === 9) out.push(t - 8)
    else if (t <= 6) {
      const len = ints[t]!
      if (at + len > buf.length) bad("a value past its record")
      const v = len === 8 ? buf.readBigInt64BE(at) : buf.readIntBE(at, len)
      out.push(typeof v === "bigint" && v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER ? Number(v) : v)
      at += len
    } else if (t === 7) {
      if (at + 8 > buf.length) bad("a value past its record")
      out.push(buf.readDoubleBE(at))
      at += 8
    } else {
      const len = (t - (t % 2 === 0 ? 12 : 13)) / 2
      if (at + len > buf.length) bad("a value past its record")
      const bytes = buf.subarray(at, at + len)
      out.push(t % 2 === 0 ? new Uint8Array(bytes) : bytes.toString("utf8"))
      at += len
    }
  }
  return out
}
