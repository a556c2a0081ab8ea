// One GET against the monitor API: auth header, deadline, capped body, retries only on 408/429/5xx.
import type { FetchLike, HttpAnswer, QuotaError, Region, Result } from "../core/types.ts"
import {
  apiError,
  baseUrlError,
  emptyBodyError,
  errorPageError,
  keyRejectedError,
  networkError,
  rateLimitedError,
  redact,
  redactDeep,
  redirectError,
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

/**
 * The body as text, or `tooLarge` past `max` bytes (announced or read): a quota answer is a few kilobytes. Past the
 * bound the download is stopped, not only the reading: `abort` cancels the request (Bun's fetch keeps downloading a
 * body whose reader merely stopped, 200 MB of it for a declared 200 MB), and the body itself is cancelled.
 */
export async function readCapped(
  res: HttpAnswer,
  max: number,
  abort?: () => void,
): Promise<{ text: string } | { tooLarge: true }> {
  const stop = async () => {
    abort?.()
    const body = res.body as (AsyncIterable<Uint8Array> & { cancel?: () => Promise<void> }) | null
    try {
      if (typeof body?.cancel === "function") await body.cancel()
      else await body?.[Symbol.asyncIterator]().return?.()
    } catch {
      // cancelled already, or aborted under us
    }
    return { tooLarge: true } as const
  }
  const declared = Number(res.headers.get("content-length"))
  if (Number.isFinite(declared) && declared > max) return stop()
  const chunks: Uint8Array[] = []
  let size = 0
  if (res.body !== null) {
    const it = res.body[Symbol.asyncIterator]()
    for (;;) {
      const next = await it.next()
      if (next.done) break
      size += next.value.byteLength
      if (size > max) {
        abort?.()
        await it.return?.()
        return { tooLarge: true }
      }
      chunks.push(next.value)
    }
  }
  return { text: new TextDecoder().decode(Buffer.concat(chunks)) }
}

/** A redirect was answered: followed only within the origin asked (`to` names where it pointed, for the message). */
export class RedirectRefused extends Error {
  constructor(readonly to: string) {
    super(`redirected to ${to}`)
  }
}

const MAX_HOPS = 3

/**
 * One request under the one HTTP policy of every runtime (node:http, undici behind a proxy, Bun's fetch in OpenCode):
 * redirects are not left to the runtime (`redirect: "manual"`); one within the origin asked is followed (at most three),
 * one to another origin is refused with RedirectRefused — that origin's answer, and its 401, are never taken as the
 * monitor API's. A key is sent only to the origin asked.
 */
export async function fetchSameOrigin(fetch: FetchLike, url: string, init: RequestInit): Promise<HttpAnswer> {
  let current = new URL(url)
  for (let hop = 0; ; hop++) {
    const res = await fetch(current.toString(), { ...init, redirect: "manual" })
    const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null
    if (location === null) return res
    try {
      await res.body?.[Symbol.asyncIterator]().return?.()
    } catch {
      // nothing to release
    }
    let next: URL
    try {
      next = new URL(location, current)
    } catch {
      throw new RedirectRefused("an unreadable address")
    }
    if (next.origin !== current.origin) throw new RedirectRefused(next.origin)
    if (hop >= MAX_HOPS) throw new RedirectRefused(`${next.origin} again and again`)
    current = next
  }
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
  // Before anything is read from it: the key out of every field (also where JSON escapes spelled it differently).
  if (JSON.stringify(json).includes(ctx.key)) json = redactDeep(json, ctx.key)
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
  let url: URL
  try {
    url = new URL(path, ctx.origin + "/")
  } catch {
    return { ok: false, error: baseUrlError() }
  }
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v)

  let last: Result<unknown> = { ok: false, error: timeoutError(ctx.timeoutLabelMs ?? timeoutMs) }
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let res: HttpAnswer
    let body: { text: string } | { tooLarge: true }
    // This attempt's own abort: a body past the cap is stopped at the socket, in every runtime.
    const cut = new AbortController()
    try {
      res = await fetchSameOrigin(ctx.fetch, url.toString(), {
        method: "GET",
        headers: { Authorization: ctx.key, Accept: "application/json", "Accept-Language": "en-US,en" },
        signal: AbortSignal.any([signal, cut.signal]),
      })
      body = await readCapped(res, ctx.maxBodyBytes ?? DEFAULT_MAX_BODY, () => cut.abort())
    } catch (err) {
      if (err instanceof RedirectRefused) return { ok: false, error: redirectError(ctx.origin, err.to) }
      if (cut.signal.aborted)
        return { ok: false, error: unreadableError("the answer was far larger than a quota answer can be") }
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
