// Check 1, the key: where it was found (never the key itself), whether it looks like a key, and whether keys for
// both regions are present.
import type { Env, Region } from "../core/types.ts"
import { findKey, type Credentials } from "../zai/credentials.ts"
import { noKeyError } from "../zai/errors.ts"
import type { DoctorFs } from "./file-access.ts"
import { fixOf } from "./remote.ts"
import { fail, ok, REGION_NAMES, regionHow, warn, type Check, type DoctorOptions } from "./types.ts"

const MIN_KEY = 20
const MAX_KEY = 300

/** The key's shape problem in words, or null: non-empty, no whitespace, printable ASCII, a plausible length. */
export function keyShapeProblem(key: string): string | null {
  if (key === "") return "it is empty"
  if (/\s/.test(key)) return "it contains whitespace"
  if (!/^[\x21-\x7e]+$/.test(key)) return "it contains characters a key never has"
  if (key.length < MIN_KEY) return `it is only ${key.length} characters long`
  if (key.length > MAX_KEY) return `it is ${key.length} characters long, far longer than a key`
  return null
}

export interface KeyFinding {
  credentials: Credentials | null
  check: Check[]
}

export function checkKey(
  env: Env,
  home: string,
  fs: DoctorFs,
  region: Region | null,
  context?: DoctorOptions["context"],
): KeyFinding {
  const readFile = (p: string) => {
    const r = fs.readText(p)
    if (!r.ok) throw new Error(r.reason)
    return r.text
  }
  const find = (want: Region | null) => findKey({ env, region: want, home, readFile }).credentials
  const search = findKey({ env, region, home, readFile })
  const credentials = search.credentials
  if (credentials === null && search.problem !== null) {
    const fix = "close OpenCode and run the doctor again, or set ZAI_API_KEY (ZHIPU_API_KEY for BigModel)"
    return { credentials, check: [fail("key", search.problem, fix)] }
  }
  if (credentials === null)
    return { credentials, check: [fail("key", "no Coding Plan key found", fixOf(noKeyError()))] }
  const where = `key from ${credentials.source}, for ${REGION_NAMES[credentials.region]}`
  const shape = keyShapeProblem(credentials.key)
  if (shape !== null)
    return {
      credentials,
      check: [warn("key", `${where}, but ${shape}`, `copy the key again from the console into ${credentials.source}`)],
    }
  const other = find(credentials.region === "china" ? "international" : "china")
  if (other !== null && other.key !== credentials.key) {
    const fix = `keep one key, or pick the region with ${regionHow(other.region, context)}`
    return {
      credentials,
      check: [warn("key", `${where}; another key for ${REGION_NAMES[other.region]} in ${other.source}`, fix)],
    }
  }
  return { credentials, check: [ok("key", where)] }
}
