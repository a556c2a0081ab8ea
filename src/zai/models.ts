// The coding endpoint's model list (`GET /api/coding/paas/v4/models`, OpenAI style): the ids this key can call, so
// the CLI can recommend one the user really has. Cached a day beside the quota cache; any failure falls back to the
// last list, else to nothing (the caller then uses the dated catalog). Never fatal.
import { basename, dirname } from "node:path"
import type { Env, FetchLike, HttpAnswer, QuotaError, Region, Result } from "../core/types.ts"
import { cacheDir, writePrivateFile } from "./cache.ts"
import { cleanModelIds, modelListFile, readModelListAt, type ModelsEntry } from "./model-list-file.ts"
import { noteCacheUnusable } from "./cache-notice.ts"
import { withLease } from "./lock.ts"
import {
  apiError,
  keyRejectedError,
  networkError,
  quotaError,
  rateLimitedError,
  redirectError,
  serverError,
  timeoutError,
} from "./errors.ts"
import { fetchSameOrigin, readCapped, RedirectRefused, retryAfterMs, type RequestContext } from "./http.ts"
import { Envelope } from "./schemas.ts"

export const MODELS_PATH = "/api/coding/paas/v4/models"
export const MODELS_FRESH_MS = 24 * 3600_000
/** Short: the list is an extra for the recommendation, and the quota reading shares the same budget. */
const DEFAULT_TIMEOUT_MS = 4000
/** A list of a few hundred models is tens of kilobytes. */
const MAX_BODY_BYTES = 1024 * 1024

/** A JSON object (not an array): what the list and each of its entries must be. */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)

function notAListError(detail: string): QuotaError {
  return quotaError(
    "bad_response",
    `The coding endpoint did not list its models (${detail}): the recommendation uses the dated model catalog instead.`,
  )
}

function interpret(
  status: number,
  headers: HttpAnswer["headers"],
  body: string,
  ctx: RequestContext,
): Result<string[]> {
  if (status === 401 || status === 403) return { ok: false, error: keyRejectedError(ctx.region, status) }
  if (status === 429) return { ok: false, error: rateLimitedError(retryAfterMs(headers, Date.now()), status) }
  if (status >= 500) return { ok: false, error: serverError(status) }
  if (status < 200 || status >= 300) return { ok: false, error: notAListError(`HTTP ${status}`) }
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return { ok: false, error: notAListError(body.trim() === "" ? "an empty answer" : "not JSON") }
  }
  // The OpenAI list, tolerant: only `data` must be an array; entries are read one by one. (Checked by hand, not with
  // zod: it is often the first answer the CLI reads, and zod's first parse of it took ~0.7 ms in a fresh process.)
  if (isObject(json) && Array.isArray(json.data)) {
    // A relay may echo the key as an id: such an id names no model, and is dropped.
    const ids = json.data.map((e: unknown) => (isObject(e) && !String(e.id).includes(ctx.key) ? e.id : null))
    return { ok: true, value: cleanModelIds(ids) }
  }
  // A relay or the monitor gateway may answer in the monitor envelope: its business errors keep their meaning (a
  // refused key stays "auth"), without the server's own words.
  const env = Envelope.safeParse(json)
  if (
    env.success &&
    typeof json === "object" &&
    json !== null &&
    !Array.isArray(json) &&
    (env.data.success === false || (env.data.code !== null && env.data.code !== 200 && env.data.code !== 0))
  ) {
    return { ok: false, error: apiError(env.data.code, null, ctx.region) }
  }
  return { ok: false, error: notAListError("not a model list") }
}

/** The ids the key can call, from the coding endpoint. Never throws; one attempt (the caller has a fallback). */
export async function fetchModelList(ctx: RequestContext): Promise<Result<string[]>> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const deadline = AbortSignal.timeout(timeoutMs)
  const signal = ctx.signal ? AbortSignal.any([deadline, ctx.signal]) : deadline
  const cut = new AbortController()
  try {
    const url = new URL(MODELS_PATH, ctx.origin + "/")
    const res = await fetchSameOrigin(ctx.fetch, url.toString(), {
      method: "GET",
      headers: { Authorization: `Bearer ${ctx.key}`, Accept: "application/json", "Accept-Language": "en-US,en" },
      signal: AbortSignal.any([signal, cut.signal]),
    })
    const body = await readCapped(res, ctx.maxBodyBytes ?? MAX_BODY_BYTES, () => cut.abort())
    if ("tooLarge" in body) return { ok: false, error: notAListError("far larger than a model list can be") }
    return interpret(res.status, res.headers, body.text, ctx)
  } catch (err) {
    if (err instanceof RedirectRefused) return { ok: false, error: redirectError(ctx.origin, err.to) }
    if (cut.signal.aborted) return { ok: false, error: notAListError("far larger than a model list can be") }
    if (ctx.signal?.aborted) return { ok: false, error: quotaError("timeout", "The model list request was cancelled.") }
    if (deadline.aborted || (err as { name?: string })?.name === "TimeoutError")
      return { ok: false, error: timeoutError(timeoutMs) }
    return { ok: false, error: networkError(ctx.origin, "connection failed") }
  }
}

export interface ModelListOptions {
  key: string
  region: Region
  origin: string
  fetch: FetchLike
  env: Env
  now: () => Date
  /** false: no file cache, every call asks the endpoint. */
  fileCache?: boolean
  timeoutMs?: number
  signal?: AbortSignal
}

export interface ModelList {
  /** null: no list known (the caller falls back to the dated catalog). */
  ids: string[] | null
  source: "endpoint" | "cache" | "none"
  /** Why the endpoint was not used, when it was asked and failed. */
  error?: QuotaError
}

/**
 * The key's model ids: from the file cache when under a day old, else from the endpoint (and cached). On a failure,
 * the last cached list however old, else `ids: null`. An empty list counts as a failure: nothing to recommend from.
 * The cache file is named by a hash of key, region and origin (cache.ts), never the key itself. The request is made
 * under the same lease as the quota's (lock.ts): runs that start together ask once, and the others read its answer.
 */
export async function modelList(opts: ModelListOptions): Promise<ModelList> {
  let cached: ModelsEntry | null = null
  try {
    if (opts.fileCache === false) return await askEndpoint(opts, null, null)
    const dir = cacheDir(opts.env)
    const file = modelListFile(dir, opts.key, opts.region, opts.origin)
    const id = basename(file, ".json")
    const fresh = (): ModelsEntry | null => {
      cached = readModelListAt(file)
      const age = cached === null ? -1 : opts.now().getTime() - cached.savedAt
      return cached !== null && age >= 0 && age < MODELS_FRESH_MS ? cached : null
    }
    const known = fresh()
    if (known !== null) return { ids: known.ids, source: "cache" }
    let writable = true
    // One budget for waiting on another run's answer and asking: the list never holds the report up longer.
    const budget = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const deadline = Date.now() + budget
    return await withLease<ModelList>(
      {
        dir,
        id,
        waitMs: budget / 2,
        reuse: () => {
          const e = fresh()
          return e === null ? null : { ids: e.ids, source: "cache" }
        },
        onUnusable: (reason) => {
          writable = false
          noteCacheUnusable(dir, reason)
        },
      },
      () => askEndpoint({ ...opts, timeoutMs: Math.max(1, deadline - Date.now()) }, cached, writable ? file : null),
    )
  } catch {
    // Only a bug can land here (fetchModelList never throws): the catalog fallback still serves the user.
    const last = cached as ModelsEntry | null
    return last !== null ? { ids: last.ids, source: "cache" } : { ids: null, source: "none" }
  }
}

/** One request to the endpoint; a good list is written to `file` (when given), a failure falls back to `cached`. */
async function askEndpoint(
  opts: ModelListOptions,
  cached: ModelsEntry | null,
  file: string | null,
): Promise<ModelList> {
  const res = await fetchModelList({
    key: opts.key,
    region: opts.region,
    origin: opts.origin,
    fetch: opts.fetch,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
  })
  if (res.ok && res.value.length > 0) {
    if (file !== null) {
      try {
        const entry: ModelsEntry = { savedAt: opts.now().getTime(), ids: res.value }
        writePrivateFile(dirname(file), basename(file), JSON.stringify(entry))
      } catch {
        // A cache that cannot be written only means asking again next time.
      }
    }
    return { ids: res.value, source: "endpoint" }
  }
  const error = res.ok ? notAListError("an empty list") : res.error
  return cached !== null ? { ids: cached.ids, source: "cache", error } : { ids: null, source: "none", error }
}
