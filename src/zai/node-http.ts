// The CLI's HTTP client without a proxy: one GET over node:http / node:https, no keep-alive (the process ends as soon as
// the answer is read). Node's own fetch would do the same job but loads its whole machinery first — about 90 ms of a
// ~150 ms run here, more than everything else the CLI does; node:http is already in the process.
import { request as httpRequest, type IncomingMessage } from "node:http"
import type { FetchLike, HttpAnswer } from "../core/types.ts"

function answerOf(res: IncomingMessage): HttpAnswer {
  return {
    status: res.statusCode ?? 0,
    headers: {
      get: (name) => {
        const v = res.headers[name.toLowerCase()]
        return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v
      },
    },
    body: res,
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
    const req = send(
      url,
      { method: init.method ?? "GET", headers, agent: false, signal: init.signal ?? undefined },
      (res) => resolve(answerOf(res)),
    )
    req.on("error", reject)
    req.end()
  })
}
