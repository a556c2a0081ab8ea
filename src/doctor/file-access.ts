// The doctor's file access, as a parameter: reads are capped, nothing follows a loop forever, nothing throws.
import {
  accessSync,
  constants,
  lstatSync,
  openSync,
  readSync,
  closeSync,
  readdirSync,
  statfsSync,
  statSync,
} from "node:fs"

/** No OpenCode config is anywhere near this: a larger file is refused, not read. */
export const MAX_READ_BYTES = 1024 * 1024

export type ReadText = { ok: true; text: string } | { ok: false; reason: "missing" | "too_large" | "unreadable" }

export interface FileInfo {
  kind: "file" | "dir" | "other"
  mode: number
  size: number
}

export interface DoctorFs {
  readText(path: string, max?: number): ReadText
  /** Follows symlinks; null when missing; throws nothing (a loop is "unreadable" in `error`). */
  stat(path: string): FileInfo | null | "unreadable"
  list(dir: string): string[]
  writable(dir: string): boolean
  /** Bytes free for this user on the file system of `path`; null when unknown. */
  freeBytes(path: string): number | null
}

const kindOf = (s: { isFile(): boolean; isDirectory(): boolean }): FileInfo["kind"] =>
  s.isFile() ? "file" : s.isDirectory() ? "dir" : "other"

export const nodeFs: DoctorFs = {
  readText(path, max = MAX_READ_BYTES) {
    let fd: number
    try {
      const st = statSync(path, { throwIfNoEntry: false })
      if (st === undefined)
        return lstatSync(path, { throwIfNoEntry: false })
          ? { ok: false, reason: "unreadable" }
          : { ok: false, reason: "missing" }
      if (!st.isFile()) return { ok: false, reason: "unreadable" }
      if (st.size > max) return { ok: false, reason: "too_large" }
      fd = openSync(path, "r")
    } catch {
      return { ok: false, reason: "unreadable" }
    }
    try {
      const buf = Buffer.alloc(max + 1)
      let size = 0
      while (size <= max) {
        const n = readSync(fd, buf, size, max + 1 - size, null)
        if (n === 0) break
        size += n
      }
      if (size > max) return { ok: false, reason: "too_large" }
      return { ok: true, text: buf.subarray(0, size).toString("utf8") }
    } catch {
      return { ok: false, reason: "unreadable" }
    } finally {
      closeSync(fd)
    }
  },
  stat(path) {
    try {
      const st = statSync(path, { throwIfNoEntry: false })
      if (st !== undefined) return { kind: kindOf(st), mode: st.mode & 0o777, size: st.size }
      return lstatSync(path, { throwIfNoEntry: false }) ? "unreadable" : null
    } catch {
      return "unreadable"
    }
  },
  list(dir) {
    try {
      return readdirSync(dir).slice(0, 500)
    } catch {
      return []
    }
  },
  writable(dir) {
    try {
      accessSync(dir, constants.W_OK | constants.X_OK)
      return true
    } catch {
      return false
    }
  },
  freeBytes(path) {
    try {
      const s = statfsSync(path)
      return Number(s.bavail) * Number(s.bsize)
    } catch {
      return null
    }
  },
}
