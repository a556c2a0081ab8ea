// Reading a file this tool wrote itself (a cache entry, the model list, a lease, the code cache) as untrusted: only a
// regular file is read — a FIFO, a device or a directory at that path is refused without blocking (O_NONBLOCK: opening
// a FIFO for reading would otherwise wait for a writer forever) — and never more than a size bound. Symbolic links are
// followed: it is what the link points at that must be a regular file.
import { closeSync, constants, fstatSync, openSync, readSync, renameSync } from "node:fs"

export type FileRead =
  { ok: true; data: Buffer } | { ok: false; reason: "missing" | "not a regular file" | "too large" | "unreadable" }

const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

/** The whole file when it is a regular file of at most `maxBytes`; else why not. Never throws, never blocks. */
export function readRegularFile(path: string, maxBytes: number): FileRead {
  let fd: number
  try {
    fd = openSync(path, FLAGS)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return { ok: false, reason: code === "ENOENT" || code === "ENOTDIR" ? "missing" : "unreadable" }
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) return { ok: false, reason: "not a regular file" }
    if (st.size > maxBytes) return { ok: false, reason: "too large" }
    const buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1)
    let got = 0
    for (;;) {
      const n = readSync(fd, buf, got, buf.length - got, got)
      if (n === 0) break
      got += n
      // Grown while read past the bound: refused as if it had been that large to begin with.
      if (got > maxBytes) return { ok: false, reason: "too large" }
      if (got === buf.length) break
    }
    return { ok: true, data: buf.subarray(0, got) }
  } catch {
    return { ok: false, reason: "unreadable" }
  } finally {
    try {
      closeSync(fd)
    } catch {
      // closed already
    }
  }
}

/** `readRegularFile` as UTF-8 text, or null. */
export function readRegularText(path: string, maxBytes: number): string | null {
  const r = readRegularFile(path, maxBytes)
  return r.ok ? r.data.toString("utf8") : null
}

/**
 * Moves a damaged file out of the way as `<file>.damaged-<ms>` (the local record's `.corrupt-<ms>` for a cache file),
 * so that it can be looked at and the next write starts afresh. Never throws; false when it could not be moved.
 */
export function setAside(file: string, nowMs: number = Date.now()): boolean {
  try {
    renameSync(file, `${file}.damaged-${nowMs}`)
    return true
  } catch {
    return false
  }
}
