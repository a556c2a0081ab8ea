// Checks 5 and 6, clock and network: the local clock against the monitor API's Date header, and the way to the host
// (proxy variables in effect, round-trip time, connection and TLS errors in plain words).
import type { Env } from "../core/types.ts"
import { localTimeZone } from "../quota/clock.ts"
import { cleanText, MAX_NAME } from "../core/text/sanitize.ts"
import { causeOf, fixOf, hostOf, type Probe } from "./remote.ts"
import { ok, warn, fail, type Check } from "./types.ts"

const CLOCK_TOLERANCE_MS = 2 * 60_000
const NETWORK_KINDS = new Set(["network", "timeout"])

function describeOffset(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000)
  const amount = s < 120 ? `${s} s` : `${Math.round(s / 60)} minutes`
  return ms >= 0 ? `${amount} ahead of` : `${amount} behind`
}

export function checkClock(probes: readonly Probe[], now: Date, env: Env): Check[] {
  let zone: string
  try {
    zone = cleanText(localTimeZone(env), MAX_NAME)
  } catch {
    zone = "an unknown zone"
  }
  const fixed = env.GLM_QUOTA_NOW?.trim()
  if (fixed)
    return [
      warn(
        "clock",
        `the clock is fixed by GLM_QUOTA_NOW (${cleanText(fixed, 40)}), not compared with the API's; local times in ${zone}`,
        "unset GLM_QUOTA_NOW to use the system clock (peak hours and resets are computed from it)",
      ),
    ]
  const header = probes.find((p) => p.dateHeader !== null)?.dateHeader ?? null
  const server = header === null ? Number.NaN : Date.parse(header)
  // No answer at all is the network's failure (its own line), not the clock's.
  const answered = probes.some((p) => p.result.ok || !NETWORK_KINDS.has(p.result.error.kind))
  if (!Number.isFinite(server) && !answered)
    return [
      warn(
        "clock",
        `local clock not compared: the API could not be reached; local times in ${zone}`,
        "see the network line below",
      ),
    ]
  if (!Number.isFinite(server))
    return [
      warn(
        "clock",
        `local clock not compared (the API sent no usable Date header); local times in ${zone}`,
        "make sure the system clock is synchronised (NTP, timedatectl)",
      ),
    ]
  const offset = now.getTime() - server
  // The header has whole seconds: within a second is "in step".
  const where = Math.abs(offset) < 1500 ? "in step with" : describeOffset(offset)
  const found = `local clock ${where} the API's; local times in ${zone}`
  if (Math.abs(offset) <= CLOCK_TOLERANCE_MS) return [ok("clock", found)]
  return [warn("clock", found, "synchronise the system clock (NTP): peak hours and reset times are computed from it")]
}

const pick = (env: Env, name: string): string | undefined => {
  const v = env[name] ?? env[name.toLowerCase()]
  return v === undefined || v.trim() === "" ? undefined : v
}

/** Whether NO_PROXY names the host: "*", the host, or a domain it is under (".z.ai", "z.ai", "*.z.ai"). */
export function bypassesProxy(noProxy: string | undefined, host: string): boolean {
  if (noProxy === undefined) return false
  const h = host.toLowerCase().replace(/:\d+$/, "")
  return noProxy.split(/[,\s]+/).some((raw) => {
    const e = raw.trim().toLowerCase().replace(/:\d+$/, "")
    if (e === "") return false
    if (e === "*") return true
    const d = e.replace(/^\*?\./, "")
    return h === d || h.endsWith(`.${d}`)
  })
}

/** The proxy in effect for an origin, in words (without any user:password in its URL); null: direct. */
export function proxyInEffect(env: Env, origin: string): string | null {
  const https = origin.startsWith("https:")
  const names = https ? ["HTTPS_PROXY", "HTTP_PROXY"] : ["HTTP_PROXY"]
  const name = names.find((n) => pick(env, n) !== undefined)
  if (name === undefined) return null
  if (bypassesProxy(pick(env, "NO_PROXY"), hostOf(origin))) return null
  let where: string
  try {
    where = new URL(pick(env, name)!).host || "an unreadable address"
  } catch {
    where = "an unreadable address"
  }
  return `${name} (${cleanText(where, MAX_NAME)})`
}

export function checkNetwork(used: Probe, env: Env): Check[] {
  const host = hostOf(used.origin)
  const proxy = proxyInEffect(env, used.origin)
  const bypass = proxy === null && pick(env, "HTTPS_PROXY") !== undefined
  const route = proxy !== null ? `through ${proxy}` : bypass ? "direct (NO_PROXY names it)" : "direct, no proxy"
  const r = used.result
  if (!r.ok && NETWORK_KINDS.has(r.error.kind))
    return [fail("network", `${causeOf(r.error)}, ${route}`, fixOf(r.error))]
  const rtt = used.rttMs === null ? "" : `, ${used.rttMs} ms round trip`
  // An answer the report cannot use (an HTML page, a 5xx) fails here as the report does (exit 1).
  if (!r.ok && (r.error.kind === "server" || r.error.kind === "bad_response"))
    return [fail("network", `${host}: ${route}${rtt}; ${causeOf(r.error)}`, fixOf(r.error))]
  if (!r.ok && r.error.kind === "rate_limited")
    return [warn("network", `${host}: ${route}${rtt}; ${causeOf(r.error)}`, fixOf(r.error))]
  return [ok("network", `${host}: ${route}${rtt}`)]
}
