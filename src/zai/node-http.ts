// The CLI's HTTP client without a proxy: one GET over node:http / node:https, no keep-alive (the process ends as soon as
// the answer is read). Node's own fetch would do the same job but loads its whole machinery first — about 90 ms of a
// ~150 ms run here, more than everything else the CLI does; node:http is already in the process.
import { request as httpRequest, type IncomingMessage } from "node:http"
import type { FetchLike, HttpAnswer } from "./http.ts"

/**
 * The body's chunks as they arrive, pulled one at a time (the stream is paused between pulls, so a huge answer is not
 * buffered ahead of the reader's cap). Readable's own async iterator would do, but setting one up costs a fresh
 * process about 1 ms on the way to the first answer. Stopping early (`return`) destroys the response.
 */
function chunksOf(res: IncomingMessage): AsyncIterable<Uint8Array> {
  const queue: Uint8Array[] = []
  let ended = false
  let failure: unknown = null
  let wake: (() => void) | null = null
  const settle = () => {
    wake?.()
    wake = null
  }
  res.on("data", (chunk: Uint8Array) => {
    queue.push(chunk)
    res.pause()
    settle()
  })
  res.on("end", () => {
    ended = true
    settle()
  })
  res.on("error", (err) => {
    failure ??= err
    settle()
  })
  // Closed before its end without an error of its own (a cut connection): what Readable's iterator reports then.
  res.on("close", () => {
    if (!ended) failure ??= Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" })
    settle()
  })
  const iterator: AsyncIterator<Uint8Array> = {
    async next() {
      while (queue.length === 0 && !ended && failure === null) {
        res.resume()
        await new Promise<void>((resolve) => (wake = resolve))
      }
      if (queue.length > 0) return { value: queue.shift()!, done: false }
      if (failure !== null) throw failure
      return { value: undefined, done: true }
    },
    async return() {
      res.destroy()
      return { value: undefined, done: true }
    },
  }
  return { [Symbol.asyncIterator]: () => iterator }
}

function answerOf(res: IncomingMessage): HttpAnswer {
  return {
    status: res.statusCode ?? 0,
    headers: {
      get: (name) => {
        const v = res.headers[name.toLowerCase()]
        return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v
      },
    },
    body: chunksOf(res),
  }
}

/** A GET (or any bodiless request) in fetch's shape; errors keep node's codes (ECONNREFUSED, CERT_…), as fetch's cause. */
export const httpFetch: FetchLike = async (input, init) => {
  const url = new URL(input)
  // TLS is loaded only for an https origin (every real one; the tests' simulator and relays may be plain http).
  const send = url.protocol === "https:" ? (await import("node:https")).request : httpRequest
  return new Promise((resolve, reject) => {
    // The client sends plain header objects; `Headers` is fetch's own class and would load its machinery.
    const headers = (init.headers ?? {}) as Record<string, string>
    const req = send(url, { method: init.method ?? "GET", headers, agent: false }, (res) => resolve(answerOf(res)))
    req.on("error", reject)
    // The deadline as one listener, not request()'s `signal` option: that one sets up Node's end-of-stream tracking,
    // ~0.4 ms of a fresh process's first request. Aborting destroys the request, and with it the answer's body.
    const signal = init.signal
    if (signal) {
      const abort = () =>
        req.destroy(Object.assign(new Error("The operation was aborted"), { name: "AbortError", cause: signal.reason }))
      if (signal.aborted) abort()
      else {
        signal.addEventListener("abort", abort, { once: true })
        req.once("close", () => signal.removeEventListener("abort", abort))
      }
    }
    req.end()
  })
}
