// A Z.ai-like inference endpoint that admits one request in flight and answers 429 code 1302 beyond it, as the Coding
// Plan does under load: the request guard's tests (test/e2e/guard.e2e.test.ts for 1.18.33, opencode2.e2e.test.ts).
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { until } from "../helpers.ts"

export interface Endpoint {
  url: string
  inFlight: number
  maxInFlight: number
  rejected: number
  completed: number
  close(): Promise<void>
}

/** One request in flight; beyond it 429 {"error":{"code":"1302"}} like the Coding Plan under load. A stream waits for the next arrival (at most holdMs), then takes 400 ms. */
export async function oneAtATime(holdMs: number): Promise<Endpoint> {
  const e = { inFlight: 0, maxInFlight: 0, rejected: 0, completed: 0, arrivals: 0 }
  const server: Server = createServer((req, res) => {
    let raw = ""
    req.on("data", (d: Buffer) => (raw += d.toString()))
    req.on("end", async () => {
      if (!req.url?.endsWith("/chat/completions")) {
        res.writeHead(200, { "content-type": "application/json" })
        return res.end(JSON.stringify({ object: "list", data: [{ id: "glm-4.7", object: "model" }] }))
      }
      e.arrivals++
      if (e.inFlight >= 1) {
        e.rejected++
        res.writeHead(429, { "content-type": "application/json", "retry-after-ms": "50" })
        return res.end(
          JSON.stringify({
            error: {
              code: "1302",
              message:
                "High concurrency usage of this API, please reduce concurrency or contact customer service to increase limits",
            },
          }),
        )
      }
      e.inFlight++
      e.maxInFlight = Math.max(e.maxInFlight, e.inFlight)
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "glm-4.7", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
      res.write(chunk({ role: "assistant", content: "" }))
      // The stream stays open until another request arrives (or holdMs pass), so that requests sent together overlap
      // here however slowly a loaded machine sends them.
      const arrived = e.arrivals
      await until(() => e.arrivals > arrived, holdMs)
      for (const word of ["all ", "done ", "here"]) {
        await new Promise((r) => setTimeout(r, 130))
        res.write(chunk({ content: word }))
      }
      res.write(chunk({}, "stop"))
      res.write(
        `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "glm-4.7", choices: [], usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 } })}\n\n`,
      )
      res.end("data: [DONE]\n\n")
      e.inFlight--
      e.completed++
    })
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
  return Object.assign(e, { url, close: () => new Promise<void>((r) => server.close(() => r())) })
}
