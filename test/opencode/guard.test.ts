// The request guard against a real loopback server: limits, FIFO queue, 1302 retries, aborts, streaming.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DEFAULT_GUARD, modelOfBody, RequestGuard } from "../../src/opencode/guard.ts"
import { until } from "../helpers.ts"

let server: Server
let url = ""
let inFlight = 0
let maxInFlight = 0
/** What the server answers to a path. `gate`: the answer (or, for `chunks`, every chunk after the first) waits for it. */
let plan: (path: string) => {
  status: number
  body: string
  headers?: Record<string, string>
  delayMs?: number
  chunks?: string[]
  gate?: Promise<void>
} = () => ({ status: 200, body: "ok" })
const seen: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    seen.push(req.url ?? "")
    const p = plan(req.url ?? "")
    const finish = () => {
      inFlight--
    }
    res.on("close", finish)
    setTimeout(async () => {
      if (p.chunks) {
        res.writeHead(p.status, { "content-type": "text/plain", ...p.headers })
        for (const [i, c] of p.chunks.entries()) {
          if (i === 1) await p.gate
          res.write(c)
        }
        res.end()
        return
      }
      await p.gate
      res.writeHead(p.status, { "content-type": "text/plain", ...p.headers })
      res.end(p.body)
    }, p.delayMs ?? 0)
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const body = (model: string) => JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], stream: true })
const reset = () => {
  maxInFlight = 0
  seen.length = 0
}

/** A gate that opens by itself once `n` requests are in flight at the server (then `extraMs` more), or after 3 s. */
function openAt(n: number, extraMs = 0): Promise<void> {
  return until(() => inFlight >= n, 3000).then(() => new Promise((r) => setTimeout(r, extraMs)))
}
function manualGate(): { gate: Promise<void>; open: () => void } {
  let open = () => {}
  const gate = new Promise<void>((r) => (open = r))
  return { gate, open }
}

describe("RequestGuard", () => {
  it("reads the model from OpenAI- and Anthropic-style bodies", () => {
    expect(modelOfBody(body("glm-4.7"))).toBe("glm-4.7")
    expect(modelOfBody('{"model":"glm-5","max_tokens":10,"messages":[]}')).toBe("glm-5")
    expect(modelOfBody(undefined)).toBe("default")
  })

  it("keeps one request in flight per model at limit 1; the rest queue first come, first served", async () => {
    reset()
    plan = (p) => ({ status: 200, body: p, delayMs: 100 })
    const guard = new RequestGuard({ ...DEFAULT_GUARD, limits: { default: 1 } }, { throttlePeak: () => false })
    const f = guard.wrap(fetch)
    const order = await Promise.all(
      [1, 2, 3, 4].map((i) => f(`${url}/${i}`, { method: "POST", body: body("glm-4.7") }).then((r) => r.text())),
    )
    expect(order).toEqual(["/1", "/2", "/3", "/4"])
    expect(seen).toEqual(["/1", "/2", "/3", "/4"])
    expect(maxInFlight).toBe(1)
    expect(guard.stats).toMatchObject({ inFlight: 0, queued: 0, completed: 4 })
  })

  it("different models do not wait for each other; the peak limit applies at the throttling peak", async () => {
    reset()
    // Answers wait until two requests are at the server at once (or 3 s): overlap that holds however slow the machine.
    let gate = openAt(2)
    plan = () => ({ status: 200, body: "x", gate })
    let peak = false
    const guard = new RequestGuard(
      { ...DEFAULT_GUARD, limits: { default: 2 }, peakLimits: { default: 1 } },
      { throttlePeak: () => peak },
    )
    const f = guard.wrap(fetch)
    await Promise.all(
      [f(url, { method: "POST", body: body("glm-4.7") }), f(url, { method: "POST", body: body("glm-4.7") })].map((p) =>
        p.then((r) => r.text()),
      ),
    )
    expect(maxInFlight).toBe(2)
    reset()
    gate = openAt(2, 200) // a third request let through would arrive within those 200 ms
    peak = true
    await Promise.all(
      [
        f(url, { method: "POST", body: body("glm-4.7") }),
        f(url, { method: "POST", body: body("glm-4.7") }),
        f(url, { method: "POST", body: body("glm-5") }),
      ].map((p) => p.then((r) => r.text())),
    )
    expect(maxInFlight).toBe(2) // one glm-4.7 and one glm-5
  })

  it("retries 429 code 1302 with backoff, honouring retry-after-ms, then succeeds", async () => {
    reset()
    let n = 0
    plan = () =>
      ++n <= 2
        ? {
            status: 429,
            body: '{"error":{"code":"1302","message":"High concurrency usage of this API"}}',
            headers: { "retry-after-ms": "120" },
          }
        : { status: 200, body: "done" }
    const guard = new RequestGuard(DEFAULT_GUARD, { throttlePeak: () => false })
    const started = performance.now()
    const res = await guard.wrap(fetch)(url, { method: "POST", body: body("glm-5") })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe("done")
    expect(performance.now() - started).toBeGreaterThanOrEqual(230)
    expect(guard.stats.retried).toBe(2)
  })

  it("hands 1302 to OpenCode after the bounded retries, and never retries 1311 or 1308", async () => {
    reset()
    plan = () => ({
      status: 429,
      body: '{"error":{"code":"1302","message":"busy"}}',
      headers: { "retry-after-ms": "5" },
    })
    const guard = new RequestGuard({ ...DEFAULT_GUARD, retries: 3 }, { throttlePeak: () => false })
    const res = await guard.wrap(fetch)(url, { method: "POST", body: body("glm-5") })
    expect(res.status).toBe(429)
    expect(await res.text()).toContain("1302")
    expect(seen).toHaveLength(4)
    for (const code of ["1311", "1308"]) {
      reset()
      plan = () => ({ status: 429, body: `{"error":{"code":"${code}","message":"no"}}` })
      const r = await guard.wrap(fetch)(url, { method: "POST", body: body("glm-5") })
      expect(r.status).toBe(429)
      expect(seen).toHaveLength(1)
    }
  })

  it("a request aborted while queued leaves the queue at once and frees its place", async () => {
    reset()
    const held = manualGate()
    plan = (p) => ({ status: 200, body: p, gate: p === "/slow" ? held.gate : undefined })
    const guard = new RequestGuard({ ...DEFAULT_GUARD, limits: { default: 1 } }, { throttlePeak: () => false })
    const f = guard.wrap(fetch)
    let slowDone = false
    const slow = f(`${url}/slow`, { method: "POST", body: body("m") })
      .then((r) => r.text())
      .finally(() => (slowDone = true))
    const ac = new AbortController()
    const aborted = f(`${url}/aborted`, { method: "POST", body: body("m"), signal: ac.signal })
    const third = f(`${url}/third`, { method: "POST", body: body("m") }).then((r) => r.text())
    await until(() => guard.stats.queued === 2)
    expect(guard.stats.queued).toBe(2)
    ac.abort()
    // "At once": it rejects while the request ahead of it is still held at the server.
    await expect(aborted).rejects.toThrow(/abort/i)
    expect(slowDone).toBe(false)
    expect(guard.stats.queued).toBe(1)
    held.open()
    expect(await slow).toBe("/slow")
    expect(await third).toBe("/third")
    expect(seen).toEqual(["/slow", "/third"])
  })

  it("streams chunk by chunk, and holds the slot until the body ends", async () => {
    reset()
    const rest = manualGate()
    plan = (p) =>
      p === "/stream"
        ? { status: 200, body: "", chunks: ["data: one\n\n", "data: two\n\n", "data: [DONE]\n\n"], gate: rest.gate }
        : { status: 200, body: "after" }
    const guard = new RequestGuard({ ...DEFAULT_GUARD, limits: { default: 1 } }, { throttlePeak: () => false })
    const f = guard.wrap(fetch)
    const res = await f(`${url}/stream`, { method: "POST", body: body("m") })
    const reader = res.body!.getReader()
    // Not buffered: the first chunk arrives while the server still holds the rest back.
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe("data: one\n\n")
    const next = f(`${url}/next`, { method: "POST", body: body("m") }).then((r) => r.text())
    await new Promise((r) => setTimeout(r, 100))
    expect(seen).toEqual(["/stream"]) // still queued behind the open stream
    rest.open()
    while (!(await reader.read()).done) {
      // drain
    }
    expect(await next).toBe("after")
    expect(guard.stats.inFlight).toBe(0)
  })

  it("off: the inner fetch is used as it is", () => {
    const guard = new RequestGuard({ ...DEFAULT_GUARD, enabled: false }, { throttlePeak: () => false })
    expect(guard.wrap(fetch)).toBe(fetch)
  })
})
