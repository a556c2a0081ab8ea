// One GET against the monitor API: auth header, deadline, capped body, retries only on 408/429/5xx.
import type { FetchLike, HttpAnswer, QuotaError, Region, Result } from "../core/types.ts"
import {
  apiError,
  emptyBodyError,
  errorPageError,
  keyRejectedError,
  networkError,
  rateLimitedError,
  redact,
  serverError,
  timeoutError,
  unreadableError,
} from "./errors.ts"
import { Envelope } from "./schemas.ts"

export interface RequestContext {
  key: string
  region: Region
  origin: string
  fetch: FetchLike
  /** Whole-operation budget, retries included. Default 8 s. */
  timeoutMs?: number
  /** The budget as the user knows it, for messages (the CLI counts its 8 s from process start). Default timeoutMs. */
  timeoutLabelMs?: number
  /** A user abort: never retried. */
  signal?: AbortSignal
  /** Largest body read, in bytes; beyond it the answer is refused. Default 2 MiB. */
  maxBodyBytes?: number
  /** Sleeps between retries; a parameter so tests and benchmarks need not wait. */
  sleep?: (ms: number) => Promise<void>
}

export const DEFAULT_TIMEOUT_MS = 8000
const DEFAULT_MAX_BODY = 2 * 1024 * 1024
const MAX_ATTEMPTS = 3

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The longest wait a Retry-After is taken at: a day (beyond it, a number is junk, and seconds × 1000 can overflow). */
const MAX_RETRY_AFTER_MS = 86_400_000
const waitMs = (ms: number) => Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms))

/** `Retry-After` (seconds or HTTP date) or `retry-after-ms`, in ms, at most a day; undefined when absent or unreadable. */
export function retryAfterMs(headers: HttpAnswer["headers"], nowMs: number): number | undefined {
  const ms = headers.get("retry-after-ms")
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms))) return waitMs(Number(ms))
  const ra = headers.get("retry-after")
  if (ra === null || ra.trim() === "") return undefined
  if (Number.isFinite(Number(ra))) return waitMs(Number(ra) * 1000)
  const at = Date.parse(ra)
  return Number.isFinite(at) ? waitMs(at - nowMs) : undefined
}

/** The body as text, or `tooLarge` past `max` bytes (announced or read): a quota answer is a few kilobytes. */
export async function readCapped(res: HttpAnswer, max: number): Promise<{ text: string } | { tooLarge: true }> {
  const declared = Number(res.headers.get("content-length"))
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.[Symbol.asyncIterator]().return?.()
    return { tooLarge: true }
  }
  const chunks: Uint8Array[] = []
  let size = 0
  if (res.body !== null) {
    // Leaving the loop early (too large, announced or read) ends the body: nothing more is downloaded.
    for await (const chunk of res.body) {
      size += chunk.byteLength
      if (size > max) return { tooLarge: true }
      chunks.push(chunk)
    }
  }
  return { text: new TextDecoder().decode(Buffer.concat(chunks)) }
}

function describeNetworkFailure(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause
  const code = cause?.code ?? (err as { code?: string })?.code
  if (code === "ECONNREFUSED") return "connection refused"
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "connection reset"
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found"
  if (code === "CERT_HAS_EXPIRED" || (code ?? "").startsWith("ERR_TLS") || (code ?? "").includes("CERT"))
    return "TLS certificate problem"
  if (code) return code
  return "connection failed"
}

function isTimeout(err: unknown, deadline: AbortSignal): boolean {
  if (deadline.aborted) return true
  const name = (err as { name?: string })?.name
  return name === "TimeoutError"
}

/** Interprets one HTTP answer. `retryAfter` is set when the status is worth one more try. */
function interpret(
  status: number,
  headers: HttpAnswer["headers"],
  body: string,
  ctx: RequestContext,
): { result: Result<unknown>; retry?: number } {
  const trimmed = body.trim()
  if (status === 401 || status === 403) return { result: { ok: false, error: keyRejectedError(ctx.region, status) } }
  if (status === 429) {
    const wait = retryAfterMs(headers, Date.now())
    return { result: { ok: false, error: rateLimitedError(wait, status) }, retry: wait ?? -1 }
  }
  if (status >= 500 || status === 408) {
    const error = trimmed.startsWith("<") ? errorPageError(status) : serverError(status)
    return { result: { ok: false, error }, retry: retryAfterMs(headers, Date.now()) ?? -1 }
  }
  if (status < 200 || status >= 300) return { result: { ok: false, error: serverError(status) } }
  if (trimmed === "") return { result: { ok: false, error: emptyBodyError(ctx.region) } }
  if (trimmed.startsWith("<")) return { result: { ok: false, error: errorPageError(status) } }
  let json: unknown
  try {
    json = JSON.parse(trimmed)
  } catch {
    return { result: { ok: false, error: unreadableError("cut off or not JSON") } }
  }
  const env = Envelope.safeParse(json)
  if (!env.success || typeof json !== "object" || json === null || Array.isArray(json)) {
    return { result: { ok: false, error: unreadableError("not the expected envelope") } }
  }
  const e = env.data
  const failed = e.success === false || (e.code !== null && e.code !== 200 && e.code !== 0)
  if (failed) {
    // The server's own words go into the message: some gateways echo the key they were sent. Redact before apiError
    // shortens the text, so not even a part of the key survives.
    const said = e.msg ?? e.message
    return { result: { ok: false, error: apiError(e.code, said === null ? null : redact(said, ctx.key), ctx.region) } }
  }
  if (e.data === undefined || e.data === null)
    return { result: { ok: false, error: unreadableError("no data in the answer") } }
  return { result: { ok: true, value: e.data } }
}

/** GET `path` on the monitor API and return the envelope's `data`, or a typed error. Never throws. */
export async function getData(
  ctx: RequestContext,
  path: string,
  query?: Record<string, string>,
): Promise<Result<unknown>> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const deadline = AbortSignal.timeout(timeoutMs)
  const signal = ctx.signal ? AbortSignal.any([deadline, ctx.signal]) : deadline
  const sleep = ctx.sleep ?? defaultSleep
  const started = Date.now()
  const url = new URL(path, ctx.origin + "/")
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v)

  let last: Result<unknown> = { ok: false, error: timeoutError(ctx.timeoutLabelMs ?? timeoutMs) }
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let res: HttpAnswer
    let body: { text: string } | { tooLarge: true }
    try {
      res = await ctx.fetch(url.toString(), {
        method: "GET",
        headers: { Authorization: ctx.key, Accept: "application/json", "Accept-Language": "en-US,en" },
        signal,
      })
      body = await readCapped(res, ctx.maxBodyBytes ?? DEFAULT_MAX_BODY)
    } catch (err) {
      if (ctx.signal?.aborted)
        return { ok: false, error: { kind: "timeout", message: "The quota request was cancelled." } }
      if (isTimeout(err, deadline)) return { ok: false, error: timeoutError(ctx.timeoutLabelMs ?? timeoutMs) }
      return { ok: false, error: networkError(ctx.origin, describeNetworkFailure(err)) }
    }
    if ("tooLarge" in body)
      return { ok: false, error: unreadableError("the answer was far larger than a quota answer can be") }
    const { result, retry } = interpret(res.status, res.headers, body.text, ctx)
    last = result
    if (result.ok || retry === undefined || attempt === MAX_ATTEMPTS) return result
    // Back off: Retry-After when given, else 250 ms, 500 ms … with jitter; never past the deadline.
    const wait = retry >= 0 ? retry : 250 * 2 ** (attempt - 1) + Math.floor(Math.random() * 100)
    const left = timeoutMs - (Date.now() - started)
    if (wait > 2000 || wait > left - 500) return result
    await sleep(wait)
    if (signal.aborted)
      return ctx.signal?.aborted ? result : { ok: false, error: timeoutError(ctx.timeoutLabelMs ?? timeoutMs) }
  }
  return last
}

export type { QuotaError }
