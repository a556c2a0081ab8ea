// Checks 2 and 3, region and subscription: the key against its region's monitor API and, when refused there, ONE
// request to the other region's host. The key goes nowhere else: only the two monitor origins (or GLM_QUOTA_BASE_URL).
import { cleanText, MAX_NAME } from "../core/text/sanitize.ts"
import { generationOf } from "../core/report/report.ts"
import type { Env, QuotaError, Region, Result, FetchLike } from "../core/types.ts"
import { fetchQuota, type QuotaData } from "../zai/client.ts"
import type { Credentials } from "../zai/credentials.ts"
import { noPlanError } from "../zai/errors.ts"
import { originFor, otherRegion } from "../zai/regions.ts"
import { fail, ok, REGION_NAMES, regionHow, warn, type Check, type DoctorOptions } from "./types.ts"

/** One quota request as the doctor sees it: the answer, its Date header and the time to its headers. */
export interface Probe {
  region: Region
  origin: string
  result: Result<QuotaData>
  dateHeader: string | null
  rttMs: number | null
}

export function originsFor(env: Env, given: Partial<Record<Region, string>> | undefined): Record<Region, string> {
  const base = env.GLM_QUOTA_BASE_URL ?? null
  return {
    international: given?.international ?? originFor("international", base),
    china: given?.china ?? originFor("china", base),
  }
}

export async function probe(key: string, region: Region, origin: string, fetch: FetchLike, timeoutMs?: number) {
  let dateHeader: string | null = null
  let rttMs: number | null = null
  const timed: FetchLike = async (url, init) => {
    const started = performance.now()
    const res = await fetch(url, init)
    rttMs ??= Math.round(performance.now() - started)
    dateHeader ??= res.headers.get("date")
    return res
  }
  const result = await fetchQuota({ key, region, origin, fetch: timed, timeoutMs: timeoutMs ?? 6000 })
  return { region, origin, result, dateHeader, rttMs } satisfies Probe
}

const REFUSED = new Set(["auth", "wrong_region"])
export const hostOf = (origin: string): string => {
  try {
    return new URL(origin).host
  } catch {
    return cleanText(origin, MAX_NAME)
  }
}

function belongsFix(other: Region, context: DoctorOptions["context"]): string {
  const how = regionHow(other, context)
  return other === "china"
    ? `this key belongs to BigModel (China): use ZHIPU_API_KEY (or the zhipuai-coding-plan provider, ${how})`
    : `this key belongs to Z.ai (international): use ZAI_API_KEY (or the zai-coding-plan provider, ${how})`
}

export interface RegionFinding {
  checks: Check[]
  /** The probe whose answer counts (the other region's when it accepted the key). */
  used: Probe
  probes: Probe[]
}

/** Region, with the second request only when the first host refused the key. */
export async function checkRegion(
  creds: Credentials,
  origins: Record<Region, string>,
  fetch: FetchLike,
  timeoutMs?: number,
  context?: DoctorOptions["context"],
): Promise<RegionFinding> {
  const first = await probe(creds.key, creds.region, origins[creds.region], fetch, timeoutMs)
  const host = hostOf(first.origin)
  if (first.result.ok || first.result.error.kind === "no_plan")
    return {
      checks: [ok("region", `key accepted by ${host}, the ${REGION_NAMES[creds.region]} monitor API`)],
      used: first,
      probes: [first],
    }
  const error = first.result.error
  if (!REFUSED.has(error.kind)) {
    const found = `could not ask ${host} whether it takes the key`
    return { checks: [warn("region", found, "see the network line below")], used: first, probes: [first] }
  }
  const other = otherRegion(creds.region)
  // One origin for both regions (GLM_QUOTA_BASE_URL, a relay): nothing else to ask.
  if (origins[other] === first.origin) {
    const found = `key from ${creds.source} refused by ${host}`
    return { checks: [fail("region", found, fixOf(error))], used: first, probes: [first] }
  }
  const second = await probe(creds.key, other, origins[other], fetch, timeoutMs)
  const probes = [first, second]
  if (second.result.ok || (!second.result.ok && second.result.error.kind === "no_plan")) {
    const found = `key from ${creds.source} refused by ${host}, accepted by ${hostOf(second.origin)}`
    return { checks: [fail("region", found, belongsFix(other, context))], used: second, probes }
  }
  const found = `key from ${creds.source} refused by ${host} and by ${hostOf(second.origin)}`
  return { checks: [fail("region", found, fixOf(error))], used: first, probes }
}

/**
 * Where one of errors.ts' sentences ("what happened: what to do." or "what happened; what to do.") turns from the
 * cause to the fix: the first ": " or "; " outside parentheses and quotes — a quoted server message stays whole.
 */
function turn(message: string): number {
  let depth = 0
  let quoted = false
  for (let i = 0; i < message.length - 1; i++) {
    const c = message[i]!
    if (c === '"') quoted = !quoted
    else if (quoted) continue
    else if (c === "(") depth++
    else if (c === ")") depth = Math.max(0, depth - 1)
    else if (depth === 0 && (c === ":" || c === ";") && message[i + 1] === " ") return i
  }
  return -1
}

/** The "what to do" half of one of errors.ts' sentences. */
export function fixOf(error: QuotaError): string {
  const at = turn(error.message)
  return (at < 0 ? error.message : error.message.slice(at + 2)).replace(/\.$/, "")
}
export function causeOf(error: QuotaError): string {
  const at = turn(error.message)
  return at < 0 ? error.message : error.message.slice(0, at)
}

export function checkSubscription(used: Probe): Check[] {
  const r = used.result
  if (!r.ok) {
    if (r.error.kind === "no_plan")
      return [fail("subscription", "no Coding Plan on this key", fixOf(noPlanError(used.region)))]
    const why = REFUSED.has(r.error.kind) ? "the key was refused" : "the quota API gave no usable answer"
    return [warn("subscription", `not checked: ${why}`, "fix the lines above first")]
  }
  const label = r.value.planLabel === null ? null : cleanText(r.value.planLabel, MAX_NAME)
  const plan = label === null || label === "" ? (r.value.plan ?? "unnamed") : label
  const gen = generationOf(r.value.windows)
  const generation =
    gen === "credit"
      ? "credit plan (windows in credits)"
      : gen === "legacy"
        ? "legacy token plan"
        : "generation unknown"
  return [ok("subscription", `Coding Plan ${plan}, ${generation}, ${r.value.windows.length} windows`)]
}
