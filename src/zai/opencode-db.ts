// OpenCode 2's stored keys: `$XDG_DATA_HOME/opencode/opencode.db`, table `credential` (integration_id, value =
// JSON {"type":"key","key":…}, active), read READ-ONLY with the SQLite file reader of sqlite-file.ts: the database file
// and the committed frames of its `-wal` (while OpenCode 2's background service runs, a new key is only there). No
// lock is taken, nothing is written, no key is ever part of a message. test/e2e/FINDINGS.md "OpenCode 2" has the
// schema as 2.2.5 makes it.
import { closeSync, fstatSync, openSync, readSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import type { Env } from "../core/types.ts"
import { SqliteFile, SqliteFormatError, type ReadAt, type SqlValue } from "./sqlite-file.ts"

export interface StoredKey {
  integration: string
  key: string
  /** 2.x marks the account in use per integration (a second `auth login` adds a row and makes it the active one). */
  active: boolean
  updated: number
}

export type DbRead =
  | { ok: true; keys: StoredKey[] }
  | { ok: false; reason: "missing" }
  /** Exists but cannot be used: one phrase saying why (never a key, never a raw error). */
  | { ok: false; reason: "unreadable" | "damaged"; problem: string }

export function openCodeDbPath(env: Env, home: string = homedir()): string {
  const xdg = env.XDG_DATA_HOME?.trim()
  return join(xdg ? xdg : join(home, ".local", "share"), "opencode", "opencode.db")
}

function openRead(path: string): { read: ReadAt; size: number; close(): void } | null {
  let fd: number
  try {
    fd = openSync(path, "r")
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null
    throw err
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw new SqliteFormatError("not a file")
    const read: ReadAt = (offset, length) => {
      const buf = Buffer.alloc(length)
      let got = 0
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, offset + got)
        if (n === 0) break
        got += n
      }
      return got === length ? buf : buf.subarray(0, got)
    }
    return { read, size: st.size, close: () => closeSync(fd) }
  } catch (err) {
    closeSync(fd)
    throw err
  }
}

const text = (v: SqlValue | undefined): string | null => (typeof v === "string" ? v : null)

function keyOfValue(value: string | null): string | null {
  if (value === null) return null
  try {
    const v: unknown = JSON.parse(value)
    if (typeof v !== "object" || v === null) return null
    const key = (v as Record<string, unknown>).key
    return typeof key === "string" && key.trim() !== "" ? key.trim() : null
  } catch {
    return null
  }
}

function readOnce(path: string): DbRead {
  const db = openRead(path)
  if (db === null) return { ok: false, reason: "missing" }
  let wal: ReturnType<typeof openRead> = null
  try {
    wal = openRead(`${path}-wal`)
    const rows = new SqliteFile({ db, wal }).readTable("credential")
    if (rows === null) return { ok: true, keys: [] }
    const keys = rows.flatMap((r) => {
      const integration = text(r.integration_id)
      const key = keyOfValue(text(r.value))
      if (integration === null || key === null) return []
      const updated = typeof r.time_updated === "number" ? r.time_updated : 0
      return [{ integration, key, active: r.active === 1, updated }]
    })
    return { ok: true, keys }
  } finally {
    wal?.close()
    db.close()
  }
}

/** The keys stored in opencode.db; a missing file is "missing", anything else wrong is one phrase. Never throws. */
export function readOpenCodeDb(path: string): DbRead {
  // A checkpoint that rewrites the file between our reads looks like damage: one more try before saying so.
  for (let attempt = 0; ; attempt++) {
    try {
      return readOnce(path)
    } catch (err) {
      if (err instanceof SqliteFormatError || err instanceof RangeError) {
        if (attempt === 0) continue
        return { ok: false, reason: "damaged", problem: "it is damaged or not an SQLite database" }
      }
      const code = (err as NodeJS.ErrnoException).code
      const why = code === "EACCES" || code === "EPERM" ? "permission denied" : "it cannot be read"
      return { ok: false, reason: "unreadable", problem: why }
    }
  }
}

/** The key 2.x uses for an integration: the active row, else the most recently updated one. */
export function keyFor(keys: readonly StoredKey[], integration: string): string | null {
  const mine = keys.filter((k) => k.integration === integration)
  const pick = mine.find((k) => k.active) ?? [...mine].sort((a, b) => b.updated - a.updated)[0]
  return pick?.key ?? null
}
