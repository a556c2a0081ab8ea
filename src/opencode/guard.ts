// The request guard: a fetch around every model request of the Z.ai / BigModel coding-plan providers. It keeps
// requests in flight per model under a limit (lower at the throttling peak), queues the rest first come, first served
// across every session of the process, and retries 429s carrying Z.ai code 1302 (concurrency) or 1305 (overloaded)
// with exponential backoff and jitter, honouring retry-after / retry-after-ms, a bounded number of times. Streams
// pass through chunk by chunk; the slot is held until the body ends. A request aborted while queued leaves the queue
// at once. 1308/1310/1311/1113 are not retried: they reach OpenCode, and the plugin's warnings.
import { findZaiCode } from "../core/report/advice.ts"
import { retryAfterMs } from "../zai/http.ts"
import type { GuardSettings } from "../options/server.ts"
import type { FetchFn } from "./guard-install.ts"

export { GUARDED, installGuard, type FetchFn } from "./guard-install.ts"
export { DEFAULT_GUARD, type GuardSettings } from "../options/server.ts"

export interface GuardStats {
  inFlight: number
  queued: number
  retried: number
  completed: number
  failed: number
}

interface Waiter {
  resolve: () => void
  reject: (err: unknown) => void
  signal: AbortSignal | undefined
  onAbort: () => void
}

const RETRY_CODES = new Set(["1302", "1305"])
const MODEL_FIELD = /"model"\s*:\s*"([^"\\]{1,200})"/

/** The model id of a request body (OpenAI- and Anthropic-style bodies both lead with it). */
export function modelOfBody(body: unknown): string {
  if (typeof body !== "string") return "default"
  const m = MODEL_FIELD.exec(body.length > 8192 ? body.slice(0, 8192) : body)
  return m?.[1] ?? "default"
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError")
}

export interface GuardDeps {
  /** True while the throttling peak is on (peak limits apply). */
  throttlePeak: () => boolean
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal))
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(t)
      reject(abortError(signal!))
    }
    signal?.addEventListener("abort", onAbort, { once: true })
  })
}

export class RequestGuard {
  readonly stats: GuardStats = { inFlight: 0, queued: 0, retried: 0, completed: 0, failed: 0 }
  private readonly active = new Map<string, number>()
  private readonly queues = new Map<string, Waiter[]>()

  constructor(
    readonly settings: GuardSettings,
    private readonly deps: GuardDeps,
  ) {}

  limitFor(model: string): number {
    const table = this.deps.throttlePeak() ? this.settings.peakLimits : this.settings.limits
    const n = table[model] ?? table.default ?? 1
    return Math.max(1, Math.floor(n))
  }

  /** Waits for a slot for `model`, first come first served; rejects at once if `signal` aborts while waiting. */
  acquire(model: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortError(signal))
    let released = false
    const release = () => {
      if (released) return
      released = true
      this.stats.inFlight--
      this.active.set(model, (this.active.get(model) ?? 1) - 1)
      this.drain(model)
    }
    const queue = this.queues.get(model) ?? []
    if (queue.length === 0 && (this.active.get(model) ?? 0) < this.limitFor(model)) {
      this.take(model)
      return Promise.resolve(release)
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => resolve(release),
        reject,
        signal,
        onAbort: () => {
          const q = this.queues.get(model) ?? []
          const i = q.indexOf(waiter)
          if (i >= 0) {
            q.splice(i, 1)
            this.stats.queued--
          }
          reject(abortError(signal!))
        },
      }
      signal?.addEventListener("abort", waiter.onAbort, { once: true })
      queue.push(waiter)
      this.queues.set(model, queue)
      this.stats.queued++
    })
  }

  private take(model: string): void {
    this.active.set(model, (this.active.get(model) ?? 0) + 1)
    this.stats.inFlight++
  }

  private drain(model: string): void {
    const queue = this.queues.get(model)
    while (queue !== undefined && queue.length > 0 && (this.active.get(model) ?? 0) < this.limitFor(model)) {
      const w = queue.shift()!
      this.stats.queued--
      w.signal?.removeEventListener("abort", w.onAbort)
      this.take(model)
      w.resolve()
    }
  }

  /** The server's Retry-After (seconds, an HTTP date, or retry-after-ms: one parser, zai/http.ts), else backoff. */
  private delay(attempt: number, headers: Headers): number {
    const told = retryAfterMs(headers, Date.now())
    if (told !== undefined) return Math.min(this.settings.maxDelayMs, told)
    const exp = this.settings.baseDelayMs * 2 ** (attempt - 1)
    const jitter = (this.deps.random ?? Math.random)() * exp * 0.5
    return Math.min(this.settings.maxDelayMs, exp + jitter)
  }

  /** A fetch that goes through the guard. */
  wrap(inner: FetchFn): FetchFn {
    if (!this.settings.enabled) return inner
    const sleep = this.deps.sleep ?? abortableSleep
    return async (input, init) => {
      const model = modelOfBody(init?.body)
      const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined) ?? undefined
      const release = await this.acquire(model, signal)
      try {
        for (let attempt = 1; ; attempt++) {
          const res = await inner(input, init)
          if ((res.status === 429 || res.status === 503) && attempt <= this.settings.retries) {
            const text = await res
              .clone()
              .text()
              .catch(() => "")
            const code = findZaiCode(text)
            if (code !== null && RETRY_CODES.has(code)) {
              await res.body?.cancel().catch(() => undefined)
              this.stats.retried++
              await sleep(this.delay(attempt, res.headers), signal)
              continue
            }
          }
          return this.holdUntilDone(res, release)
        }
      } catch (err) {
        this.stats.failed++
        release()
        throw err
      }
    }
  }

  /** Passes the body through chunk by chunk and frees the slot when it ends, fails or is cancelled. */
  holdUntilDone(res: Response, release: () => void): Response {
    if (res.body === null) {
      this.stats.completed++
      release()
      return res
    }
    const reader = res.body.getReader()
    const done = (ok: boolean) => {
      if (ok) this.stats.completed++
      else this.stats.failed++
      release()
    }
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done: end, value } = await reader.read()
          if (end) {
            controller.close()
            done(true)
            return
          }
          controller.enqueue(value)
        } catch (err) {
          controller.error(err)
          done(false)
        }
      },
      cancel(reason) {
        done(true)
        return reader.cancel(reason)
      },
    })
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers })
  }
}

/** The guard's state in one line, under the report of /glm-quota. */
export function guardLine(guard: RequestGuard): string {
  if (!guard.settings.enabled) return "Request guard: off."
  const s = guard.stats
  const l = guard.settings
  return `Request guard (this OpenCode process): ${s.inFlight} in flight, ${s.queued} queued, ${s.retried} retried after 1302/1305 · limit ${l.limits.default ?? 1} per model, ${l.peakLimits.default ?? 1} at the throttling peak.`
}
