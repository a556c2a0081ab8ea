// Check 7, files: the cache and state directories exist (writable and private: 0700 / 0600) or can be created, have room,
// and this machine's record reads without files set aside as corrupt.
import { dirname, join } from "node:path"
import type { Env } from "../core/types.ts"
import { cleanText } from "../core/text/sanitize.ts"
import { LocalStore, stateDir } from "../local/store.ts"
import { cacheDir } from "../zai/cache.ts"
import type { DoctorFs } from "./file-access.ts"
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

type DirState = { problem: { found: string; fix: string } } | { fine: "private" | "absent" }

const XDG_OF = { cache: "XDG_CACHE_HOME", state: "XDG_STATE_HOME" } as const

/** A directory that does not exist yet: whether it can be made, and if not, a fix the user can carry out. */
function absentDir(fs: DoctorFs, name: "cache" | "state", dir: string, home: string): DirState {
  const shownDir = cleanText(dir, 200)
  const parent = nearestExisting(fs, dirname(dir))
  const homeSt = fs.stat(home)
  const noHome = (homeSt === null || homeSt === "unreadable") && dir.startsWith(`${home}/`)
  if (!noHome && parent !== null && fs.writable(parent) && ownerCanWrite(fs, parent)) return { fine: "absent" }
  const inHome = parent !== null && (parent === home || parent.startsWith(`${home}/`))
  // Never "make / writable": outside the home directory (or with none), the way out is a directory of one's own.
  const fix =
    homeSt === null || homeSt === "unreadable" || !inHome
      ? `set HOME to your home directory, or ${XDG_OF[name]} to a directory you can write`
      : `make ${cleanText(parent, 200)} writable`
  const why = homeSt === null ? ` (no home directory at ${cleanText(home, 200)})` : ""
  return { problem: { found: `${name} ${shownDir} cannot be created${why}`, fix } }
}

/** Root passes access(W_OK) on any directory: the owner's write and search bits say what the user meant. */
function ownerCanWrite(fs: DoctorFs, dir: string): boolean {
  const st = fs.stat(dir)
  return st !== null && st !== "unreadable" && (st.mode & 0o300) === 0o300
}

/** One directory: fine (private, or not made yet and can be), or its problem in words. */
function dirState(fs: DoctorFs, name: "cache" | "state", dir: string, home: string): DirState {
  const st = fs.stat(dir)
  const shownDir = cleanText(dir, 200)
  if (st === "unreadable")
    return {
      problem: {
        found: `${name} ${shownDir} cannot be read (a symlink loop or no permission)`,
        fix: `remove or repair ${shownDir}`,
      },
    }
  if (st === null) return absentDir(fs, name, dir, home)
  if (st.kind !== "dir")
    return { problem: { found: `${name} ${shownDir} is not a directory`, fix: `remove ${shownDir}` } }
  if (!fs.writable(dir) || (st.mode & 0o700) !== 0o700)
    return {
      problem: {
        found: `${name} ${shownDir} is ${octal(st.mode)}: glm-quota cannot write there`,
        fix: `chmod 700 ${shownDir}`,
      },
    }
  if ((st.mode & 0o077) !== 0)
    return {
      problem: { found: `${name} ${shownDir} is ${octal(st.mode)}, readable by others`, fix: `chmod 700 ${shownDir}` },
    }
  const loose = fs.list(dir).filter((f) => {
    const s = fs.stat(join(dir, f))
    return s !== null && s !== "unreadable" && s.kind === "file" && (s.mode & 0o077) !== 0
  })
  if (loose.length > 0)
    return {
      problem: {
        found: `${loose.length} file(s) in ${shownDir} readable by others (${cleanText(loose[0]!, 80)})`,
        fix: `chmod 600 ${shownDir}/*`,
      },
    }
  return { fine: "private" }
}

export function checkFiles(env: Env, home: string, fs: DoctorFs, now: () => Date): Check[] {
  const dirs: ["cache" | "state", string][] = [
    ["cache", cacheDir(env, home)],
    ["state", stateDir(env, home)],
  ]
  const checks: Check[] = []
  const fine: Record<"private" | "absent", string[]> = { private: [], absent: [] }
  for (const [name, dir] of dirs) {
    const s = dirState(fs, name, dir, home)
    if ("problem" in s) checks.push(warn("files", s.problem.found, s.problem.fix))
    else fine[s.fine].push(name)
  }
  const free = fs.freeBytes(nearestExisting(fs, dirs[1]![1]) ?? home)
  if (free !== null && free < MIN_FREE_BYTES)
    checks.push(
      warn("files", `only ${Math.floor(free / 1048576)} MB free for the cache and state`, "free some disk space"),
    )
  checks.push(...recordCheck(dirs[1]![1], fs, now))
  if (checks.length > 0) return checks
  const room = free === null ? "" : `, ${Math.floor(free / 1073741824)} GB free`
  const dirsOf = (names: string[]) => `${names.join(" and ")} director${names.length > 1 ? "ies" : "y"}`
  const parts = [
    fine.private.length > 0 ? `${dirsOf(fine.private)} private (0700 / 0600)` : "",
    fine.absent.length > 0 ? `${dirsOf(fine.absent)} not made yet (made private at first use)` : "",
  ].filter((p) => p !== "")
  const record = fine.private.includes("state") ? "; local record readable" : ""
  return [ok("files", `${parts.join("; ")}${room}${record}`)]
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
