// What the user is told when the cache directory cannot be used (read-only, missing HOME, a dangling or foreign
// `<id>.lock`): every run then asks the API itself, which is slower and spends more of the rate limit — worth one
// sentence per process, never more (the CLI writes it on stderr, the plugin halves log it once).
import { cleanText } from "../core/text/sanitize.ts"

let pending: string | null = null
let said = false

/** Notes that `dir` cannot be used, and why (a few words). Only the first note of a process is kept. */
export function noteCacheUnusable(dir: string, reason: string): void {
  if (pending !== null || said) return
  pending =
    `The cache directory ${cleanText(dir, 200)} cannot be used (${reason}): the quota is read without the cache, ` +
    "one request per run; set XDG_CACHE_HOME to a directory you can write to."
}

/** The note, the first time it is asked for after one was made; null before and ever after. */
export function takeCacheNotice(): string | null {
  if (pending === null) return null
  const text = pending
  pending = null
  said = true
  return text
}
