// Typed errors of the monitor client, each with one plain sentence: what happened, and what to do.
// Messages are built from fixed templates: the key is never part of them (redact() guards the rest).
import type { ErrorKind, QuotaError, Region } from "../core/types.ts"
import { cleanText, MAX_MESSAGE } from "../core/text/sanitize.ts"
import { displayUrl, otherRegion } from "./regions.ts"

// The Chinese words below are written as escapes so that the CLI's bundle stays ASCII (esbuild escapes strings, not
// regular expressions), which Node reads and V8 scans faster than a two-byte source.
/** "rate limit", "too many requests", 限流 (throttled), 频率 (frequency), 稍后再试 (try again later). */
const RATE_LIMIT_TEXT = /rate.?limit|too many requests|\u9650\u6d41|\u9891\u7387|\u7a0d\u540e\u518d\u8bd5/i
/** Envelope codes that mean the key itself was refused (1000–1004 "Authentication Failed", 401 expired or incorrect). */
const KEY_REJECTED_CODES = new Set([401, 403, 1000, 1002, 1003, 1004])
/** "当前用户不存在coding plan" (不存在: does not exist; 没有: has no), "no coding plan", "does not have a coding plan" … */
const NO_PLAN_TEXT =
  /(?:\bno|not have|n't have|without|\u4e0d\u5b58\u5728|\u6ca1\u6709)\s*(?:an?\s+)?(?:active\s+|valid\s+)?(?:glm\s*)?coding\s*plan/i

export function quotaError(kind: ErrorKind, message: string, extra: Partial<QuotaError> = {}): QuotaError {
  return { kind, message, ...extra }
}

const regionFlag = (r: Region) => `--region ${otherRegion(r)}`

export function noKeyError(): QuotaError {
  return quotaError(
    "no_key",
    "No GLM Coding Plan key was found: set ZAI_API_KEY (Z.ai) or ZHIPU_API_KEY (BigModel, China), or log in to the zai-coding-plan provider in OpenCode with `opencode auth login`.",
  )
}

export function keyMissingAtApiError(): QuotaError {
  return quotaError(
    "auth",
    "The quota API says it received no key: check that your Coding Plan key is set (ZAI_API_KEY or ZHIPU_API_KEY) and not empty.",
  )
}

export function keyRejectedError(region: Region, status?: number): QuotaError {
  return quotaError(
    "auth",
    `The quota API rejected your key as expired or incorrect: create a new key in the ${region === "china" ? "BigModel" : "Z.ai"} console, or if the key is for the other region try ${regionFlag(region)}.`,
    status === undefined ? {} : { status },
  )
}

export function noPlanError(region: Region): QuotaError {
  const where = region === "china" ? "bigmodel.cn" : "z.ai/subscribe"
  return quotaError(
    "no_plan",
    `This key has no GLM Coding Plan subscription: subscribe at ${where}, or use the key of the account that has the plan.`,
  )
}

export function rateLimitedError(retryAfterMs?: number, status?: number): QuotaError {
  const wait =
    retryAfterMs !== undefined && retryAfterMs > 60_000
      ? `${Math.ceil(retryAfterMs / 60_000)} minutes`
      : "a few minutes"
  return quotaError("rate_limited", `The quota API is throttling requests: wait ${wait} before asking again.`, {
    ...(status === undefined ? {} : { status }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  })
}

export function timeoutError(timeoutMs: number): QuotaError {
  return quotaError(
    "timeout",
    `The quota API did not answer within ${Math.round(timeoutMs / 1000)} seconds: check your network or proxy (HTTPS_PROXY) and try again.`,
  )
}

export function networkError(origin: string, detail: string): QuotaError {
  return quotaError(
    "network",
    `Could not reach ${displayUrl(origin)} (${detail}): check your network, proxy (HTTPS_PROXY) or GLM_QUOTA_BASE_URL and try again.`,
  )
}

/** A redirect to another origin: not followed, and named (an origin holds no path, query or userinfo). */
export function redirectError(origin: string, to: string): QuotaError {
  return quotaError(
    "network",
    `The monitor API at ${displayUrl(origin)} redirected the request to ${cleanText(to, 200)}, which is not followed: set GLM_QUOTA_BASE_URL to the monitor API's own address, or fix the relay or proxy.`,
  )
}

/** GLM_QUOTA_BASE_URL (or the baseUrl option) is not an http(s) address. Its value is not repeated: it may hold a password. */
export function baseUrlError(): QuotaError {
  return quotaError(
    "network",
    "GLM_QUOTA_BASE_URL is not an http or https address: set it to the monitor API's origin (e.g. https://api.z.ai) or unset it.",
  )
}

export function serverError(status: number): QuotaError {
  return quotaError("server", `The quota API is having trouble (HTTP ${status}): try again in a few minutes.`, {
    status,
  })
}

export function errorPageError(status: number): QuotaError {
  return quotaError(
    "server",
    `The quota API answered with an HTML error page instead of data (HTTP ${status}): a gateway or proxy is failing; try again in a few minutes or check HTTPS_PROXY.`,
    { status },
  )
}

export function emptyBodyError(region: Region): QuotaError {
  return quotaError(
    "wrong_region",
    `The quota API sent an empty answer, which usually means the key belongs to the other region or a proxy is in the way: try ${regionFlag(region)} or check GLM_QUOTA_BASE_URL.`,
  )
}

export function unreadableError(detail: string): QuotaError {
  return quotaError(
    "bad_response",
    `The quota API sent an answer that could not be read (${detail}): try again in a minute, and update glm-quota if it keeps happening.`,
  )
}

/**
 * A business error inside an HTTP 200 answer. `msg` is the server's own text with the key already redacted: it is
 * cleaned and cut only here, after the redaction, so no part of an echoed key can survive the cut.
 */
export function apiError(code: number | null, msg: string | null, region: Region): QuotaError {
  if (code === 1001) return keyMissingAtApiError()
  if (code !== null && KEY_REJECTED_CODES.has(code)) return keyRejectedError(region)
  if (msg !== null && NO_PLAN_TEXT.test(msg)) return noPlanError(region)
  if (code === 429 || (msg !== null && RATE_LIMIT_TEXT.test(msg))) return rateLimitedError()
  // Code 500 inside a 200 answer is how the monitor API says the key has no Coding Plan (see zai-monitor-api.md).
  if (code === 500) return noPlanError(region)
  const shown = msg === null ? "" : cleanText(msg, MAX_MESSAGE)
  const said = shown === "" ? "" : `: "${shown}"`
  return quotaError(
    "server",
    `The quota API refused the request (code ${code ?? "unknown"}${said}); try again in a few minutes.`,
  )
}

/** Removes every occurrence of the key (and of its Bearer form) from a text. */
export function redact(text: string, key: string | null | undefined): string {
  if (!key || key.length < 4) return text
  return text.split(key).join("[redacted]")
}

/**
 * A parsed answer with the key redacted from every string in it, keys of objects included: a relay that echoes the
 * key inside a data field (a plan label, a window type) must not get it into the cache, a report or `--json`.
 * Nesting deeper than 64 levels is cut (no answer of the API nests more than five).
 */
export function redactDeep(value: unknown, key: string | null | undefined, depth = 0): unknown {
  if (!key || key.length < 4) return value
  if (typeof value === "string") return value.includes(key) ? redact(value, key) : value
  if (typeof value !== "object" || value === null) return value
  if (depth >= 64) return null
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, key, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[redact(k, key)] = redactDeep(v, key, depth + 1)
  return out
}
