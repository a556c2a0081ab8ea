// Check 7, files: the cache and state directories exist or can be created, are private (0700 / 0600), have room,
// and this machine's record reads without files set aside as corrupt.
import { dirname, join } from "node:path"
import type { Env } from "../core/types.ts"
import { cleanText } from "../core/sanitize.ts"
import { LocalStore, stateDir } from "../local/store.ts"
import { cacheDir } from "../zai/cache.ts"
import type { DoctorFs } from "./fs.ts"
import { ok, warn, type Check } from "./types.ts"

const MIN_FREE_BYTES = 50 * 1024 * 1024
const RECORD_DAYS = 2

/** The nearest directory that exists on the way up (where a missing one would be created). */
function nearestExisting(fs: DoctorFs, dir: string): string | null {
  let d = dir
  for (let i = 0; i < 64; i++) {
    const st = fs.stat(d)
    if (st !== null) return st !== "unreadable" && st.kind === "dir" ? d : null
    const up = dirname(d)
    if (up === d) return null
    d = up
  }
  return null
}

const octal = (mode: number) => mode.toString(8).padStart(3, "0")

/** One directory: its problem in words, or null when it is fine. */
function dirProblem(fs: DoctorFs, name: string, dir: string): { found: string; fix: string } | null {
  const st = fs.stat(dir)
  const shownDir = cleanText(dir, 200)
  if (st === "unreadable")
    return {
      found: `${name} ${shownDir} cannot be read (a symlink loop or no permission)`,
      fix: `remove or repair ${shownDir}`,
    }
  if (st !== null && st.kind !== "dir")
    return { found: `${name} ${shownDir} is not a directory`, fix: `remove ${shownDir}` }
  if (st === null) {
    const parent = nearestExisting(fs, dirname(dir))
    if (parent === null || !fs.writable(parent))
      return {
        found: `${name} ${shownDir} cannot be created`,
        fix: `make ${cleanText(parent ?? dirname(dir), 200)} writable`,
      }
    return null
  }
  if ((st.mode & 0o077) !== 0)
    return { found: `${name} ${shownDir} is ${octal(st.mode)}, readable by others`, fix: `chmod 700 ${shownDir}` }
  const loose = fs.list(dir).filter((f) => {
    const s = fs.stat(join(dir, f))
    return s !== null && s !== "unreadable" && s.kind === "file" && (s.mode & 0o077) !== 0
  })
  if (loose.length > 0)
    return {
      found: `${loose.length} file(s) in ${shownDir} readable by others (${cleanText(loose[0]!, 80)})`,
      fix: `chmod 600 ${shownDir}/*`,
    }
  return null
}

export function checkFiles(env: Env, home: string, fs: DoctorFs, now: () => Date): Check[] {
  const dirs: [string, string][] = [
    ["cache", cacheDir(env, home)],
    ["state", stateDir(env, home)],
  ]
  const checks: Check[] = []
  for (const [name, dir] of dirs) {
    const p = dirProblem(fs, name, dir)
    if (p !== null) checks.push(warn("files", p.found, p.fix))
  }
  const free = fs.freeBytes(nearestExisting(fs, dirs[1]![1]) ?? home)
  if (free !== null && free < MIN_FREE_BYTES)
    checks.push(
      warn("files", `only ${Math.floor(free / 1048576)} MB free for the cache and state`, "free some disk space"),
    )
  checks.push(...recordCheck(dirs[1]![1], fs, now))
  if (checks.length > 0) return checks
  const room = free === null ? "" : `, ${Math.floor(free / 1073741824)} GB free`
  return [ok("files", `cache and state directories private (0700 / 0600)${room}; local record readable`)]
}

function recordCheck(dir: string, fs: DoctorFs, now: () => Date): Check[] {
  const st = fs.stat(dir)
  if (st === null || st === "unreadable" || st.kind !== "dir") return []
  const store = new LocalStore({ dir, now })
  const read = store.read(now().getTime() - RECORD_DAYS * 86_400_000)
  if (read.warnings.length === 0) return []
  const first = cleanText(read.warnings[0]!, 200)
  const more = read.warnings.length > 1 ? ` (and ${read.warnings.length - 1} more)` : ""
  return [
    warn(
      "files",
      `${first}${more}`.replace(/\.\s*\(/, " ("),
      "nothing to do unless it repeats; the set-aside file is deleted after 35 days",
    ),
  ]
}
