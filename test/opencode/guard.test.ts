// The request guard against a real loopback server: limits, FIFO queue, 1302 retries, aborts, streaming.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DEFAULT_GUARD, modelOfBody, RequestGuard } from "../../src/opencode/guard.ts"

let server: Server
let url = ""
let inFlight = 0
let maxInFlight = 0
let plan: (path: string) => { status: number; body: string; headers?: Record<string, string>; delayMs?: number; chunks?: string[] } = () => ({ status: 200, body: "ok" })
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
      res.writeHead(p.status, { "content-type": "text/plain", ...p.headers })
      if (p.chunks) {
        for (const c of p.chunks) {
          res.write(c)
          await new Promise((r) => setTimeout(r, 300))
        }
        res.end()
        return
      }
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
    const order = await Promise.all([1, 2, 3, 4].map((i) => f(`${url}/${i}`, { method: "POST", body: body("glm-4.7") }).then((r) => r.text())))
    expect(order).toEqual(["/1", "/2", "/3", "/4"])
    expect(seen).toEqual(["/1", "/2", "/3", "/4"])
    expect(maxInFlight).toBe(1)
    expect(guard.stats).toMatchObject({ inFlight: 0, queued: 0, completed: 4 })
  })

  it("different models do not wait for each other; the peak limit applies at the throttling peak", async () => {
    reset()
    plan = () => ({ status: 200, body: "x", delayMs: 150 })
    let peak = false
    const guard = new RequestGuard({ ...DEFAULT_GUARD, limits: { default: 2 }, peakLimits: { default: 1 } }, { throttlePeak: () => peak })
    const f = guard.wrap(fetch)
    await Promise.all([f(url, { method: "POST", body: body("glm-4.7") }), f(url, { method: "POST", body: body("glm-4.7") })].map((p) => p.then((r) => r.text())))
    expect(maxInFlight).toBe(2)
    reset()
    peak = true
    await Promise.all([f(url, { method: "POST", body: body("glm-4.7") }), f(url, { method: "POST", body: body("glm-4.7") }), f(url, { method: "POST", body: body("glm-5") })].map((p) => p.then((r) => r.text())))
    expect(maxInFlight).toBe(2) // one glm-4.7 and one glm-5
  })

  it("retries 429 code 1302 with backoff, honouring retry-after-ms, then succeeds", async () => {
    reset()
    let n = 0
    plan = () => (++n <= 2 ? { status: 429, body: '{"error":{"code":"1302","message":"High concurrency usage of this API"}}', headers: { "retry-after-ms": "120" } } : { status: 200, body: "done" })
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
    plan = () => ({ status: 429, body: '{"error":{"code":"1302","message":"busy"}}', headers: { "retry-after-ms": "5" } })
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
    plan = (p) => ({ status: 200, body: p, delayMs: p === "/slow" ? 400 : 0 })
    const guard = new RequestGuard({ ...DEFAULT_GUARD, limits: { default: 1 } }, { throttlePeak: () => false })
    const f = guard.wrap(fetch)
    const slow = f(`${url}/slow`, { method: "POST", body: body("m") }).then((r) => r.text())
    const ac = new AbortController()
    const aborted = f(`${url}/aborted`, { method: "POST", body: body("m"), signal: ac.signal })
    const third = f(`${url}/third`, { method: "POST", body: body("m") }).then((r) => r.text())
    await new Promise((r) => setTimeout(r, 50))
    expect(guard.stats.queued).toBe(2)
    const t = performance.now()
    ac.abort()
    await expect(aborted).rejects.toThrow(/abort/i)
    expect(performance.now() - t).toBeLessThan(100)
    expect(guard.stats.queued).toBe(1)
    expect(await slow).toBe("/slow")
    expect(await third).toBe("/third")
    expect(seen).toEqual(["/slow", "/third"])
  })

  it("streams chunk by chunk, and holds the slot until the body ends", async () => {
    reset()
    plan = (p) => (p === "/stream" ? { status: 200, body: "", chunks: ["data: one\n\n", "data: two\n\n", "data: [DONE]\n\n"] } : { status: 200, body: "after" })
    const guard = new RequestGuard({ ...DEFAULT_GUARD, limits: { default: 1 } }, { throttlePeak: () => false })
    const f = guard.wrap(fetch)
    const started = performance.now()
    const res = await f(`${url}/stream`, { method: "POST", body: body("m") })
    const reader = res.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe("data: one\n\n")
    expect(performance.now() - started).toBeLessThan(250) // not buffered: the rest takes 600 ms more
    const next = f(`${url}/next`, { method: "POST", body: body("m") }).then((r) => r.text())
    await new Promise((r) => setTimeout(r, 100))
    expect(seen).toEqual(["/stream"]) // still queued behind the open stream
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
