// A loopback OpenAI-compatible mock model for the e2e tests: POST /v1/chat/completions (SSE or JSON), GET /v1/models.
// It answers from a script (or a function of the request), counts its calls and keeps every request for assertions.
//
//   const mock = await startMockModel({ script: [{ text: "hi" }, { toolCall: { name: "glm_quota" } }] })
//   … mock.calls, mock.chatCalls, mock.requests …
//   await mock.close()

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { isPlainObject, sleep, type Obj } from "./util.ts"

export type MockToolCall = { name: string; args?: Record<string, unknown> | string; id?: string }
/** OpenAI usage; `prompt_tokens` includes `prompt_tokens_details.cached_tokens` (OpenCode records them apart). */
export type MockUsage = {
  prompt_tokens: number
  completion_tokens: number
  total_tokens?: number
  prompt_tokens_details?: { cached_tokens?: number }
}

/**
 * One answer of the mock model. Note: OpenCode retries 408/429/5xx answers 5 times with 2 s·2ⁿ backoff (~76 s in
 * all) unless the answer carries `retry-after-ms` / `Retry-After`: give error replies
 * `headers: { "retry-after-ms": "10" }` to keep a test fast. 401/400 are not retried.
 */
export type MockReply =
  | { text: string; reasoning?: string; usage?: MockUsage; delayMs?: number }
  | { toolCall: MockToolCall; text?: string; usage?: MockUsage; delayMs?: number }
  | { toolCalls: MockToolCall[]; text?: string; usage?: MockUsage; delayMs?: number }
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }

export type MockRequest = {
  index: number // 0-based over chat completion calls (title calls included)
  method: string
  path: string
  headers: IncomingMessage["headers"]
  body: Obj // parsed JSON (or {} when unparsable)
  model: string | undefined
  stream: boolean
  isTitle: boolean // heuristic: OpenCode's title-generator request
  at: number
}

export type MockScript = MockReply[] | ((req: MockRequest) => MockReply | undefined)

export type MockModelOptions = {
  /** Replies in order (array, consumed by non-title calls) or a function of the request. */
  script?: MockScript
  /** Reply when the script has nothing (default `{ text: "mock reply" }`). */
  fallback?: MockReply
  /** Title-generator calls get `{ text: titleText }` without consuming the script (default true). */
  answerTitles?: boolean
  titleText?: string
  /** Model ids listed by GET /v1/models (default ["mock-model"]). */
  models?: string[]
}

export type MockModel = {
  url: string // base URL incl. /v1, for provider options.baseURL
  port: number
  /** Chat completion calls so far (title calls included). */
  readonly calls: number
  /** Non-title chat completion calls. */
  readonly chatCalls: number
  requests: MockRequest[]
  setScript(script: MockScript): void
  reset(): void
  /** Waits until `calls >= n`. */
  waitForCalls(n: number, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

function looksLikeTitleRequest(body: Obj): boolean {
  const msgs = Array.isArray(body.messages) ? (body.messages as Obj[]) : []
  const sys = msgs
    .filter((m) => m.role === "system")
    .map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content)))
    .join("\n")
  // 1.x: "You are a title generator…"; 2.x: "You name conversations so the user can find them later…"
  return /title generator|generate a (short )?title|You are a title|You name conversations/i.test(sys)
}

function chunk(id: string, model: string, delta: Obj, finish: string | null = null, extra: Obj = {}): string {
  const payload = {
    id,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  }
  return `data: ${JSON.stringify(payload)}\n\n`
}

function writeReply(res: ServerResponse, req: MockRequest, reply: MockReply): void {
  if ("status" in reply) {
    const body = reply.body === undefined ? { error: { message: `mock error ${reply.status}` } } : reply.body
    res.writeHead(reply.status, { "content-type": "application/json", ...(reply.headers ?? {}) })
    res.end(typeof body === "string" ? body : JSON.stringify(body))
    return
  }
  const id = `chatcmpl-mock-${req.index}`
  const model = req.model ?? "mock-model"
  const calls: MockToolCall[] = "toolCalls" in reply ? reply.toolCalls : "toolCall" in reply ? [reply.toolCall] : []
  const text = reply.text ?? ""
  const reasoning = "reasoning" in reply ? reply.reasoning : undefined
  const usage = reply.usage ?? { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 }
  const finish = calls.length ? "tool_calls" : "stop"
  const toolCallObjs = calls.map((c, i) => ({
    index: i,
    id: c.id ?? `call_mock_${req.index}_${i}`,
    type: "function",
    function: { name: c.name, arguments: typeof c.args === "string" ? c.args : JSON.stringify(c.args ?? {}) },
  }))
  if (!req.stream) {
    res.writeHead(200, { "content-type": "application/json" })
    res.end(
      JSON.stringify({
        id,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: text || null,
              ...(toolCallObjs.length ? { tool_calls: toolCallObjs } : {}),
            },
            finish_reason: finish,
          },
        ],
        usage,
      }),
    )
    return
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" })
  res.write(chunk(id, model, { role: "assistant", content: "" }))
  if (reasoning) res.write(chunk(id, model, { reasoning_content: reasoning }))
  if (text) {
    const mid = Math.ceil(text.length / 2)
    res.write(chunk(id, model, { content: text.slice(0, mid) }))
    if (text.length > mid) res.write(chunk(id, model, { content: text.slice(mid) }))
  }
  if (toolCallObjs.length) res.write(chunk(id, model, { tool_calls: toolCallObjs }))
  res.write(chunk(id, model, {}, finish))
  res.write(
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model, choices: [], usage })}\n\n`,
  )
  res.end("data: [DONE]\n\n")
}

/** The script's state: replies in order (or a function of the request), the fallback, the title answers. */
type ScriptPlayer = {
  pick(req: MockRequest): MockReply
  set(script: MockScript): void
  rewind(): void
}

function scriptPlayer(opts: MockModelOptions): ScriptPlayer {
  let script: MockScript = opts.script ?? []
  let cursor = 0
  const answerTitles = opts.answerTitles ?? true
  const fallback: MockReply = opts.fallback ?? { text: "mock reply" }
  return {
    pick(req) {
      if (req.isTitle && answerTitles) return { text: opts.titleText ?? "Mock title" }
      if (typeof script === "function") return script(req) ?? fallback
      const next = script[cursor]
      if (next) {
        cursor++
        return next
      }
      return fallback
    },
    set(s) {
      script = s
      cursor = 0
    },
    rewind() {
      cursor = 0
    },
  }
}

function parseChatRequest(req: IncomingMessage, path: string, raw: string, index: number): MockRequest {
  let body: Obj = {}
  try {
    const parsed: unknown = JSON.parse(raw)
    if (isPlainObject(parsed)) body = parsed
  } catch {
    // keep {}
  }
  return {
    index,
    method: req.method ?? "POST",
    path,
    headers: req.headers,
    body,
    model: typeof body.model === "string" ? body.model : undefined,
    stream: body.stream === true,
    isTitle: looksLikeTitleRequest(body),
    at: Date.now(),
  }
}

/** Records one chat completion call and answers it from the script (after its `delayMs`, if any). */
function answerChat(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  raw: string,
  requests: MockRequest[],
  player: ScriptPlayer,
): void {
  const r = parseChatRequest(req, path, raw, requests.length)
  requests.push(r)
  let reply: MockReply
  try {
    reply = player.pick(r)
  } catch (e) {
    reply = { status: 500, body: { error: { message: `mock script threw: ${String(e)}` } } }
  }
  const send = () => {
    if (!res.destroyed) writeReply(res, r, reply)
  }
  if (reply.delayMs) setTimeout(send, reply.delayMs)
  else send()
}

function mockServer(models: string[], requests: MockRequest[], player: ScriptPlayer): Server {
  return createServer((req, res) => {
    let raw = ""
    req.setEncoding("utf8")
    req.on("data", (d: string) => (raw += d))
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] ?? "/"
      if (req.method === "GET" && path.endsWith("/models")) {
        res.writeHead(200, { "content-type": "application/json" })
        res.end(
          JSON.stringify({ object: "list", data: models.map((id) => ({ id, object: "model", owned_by: "mock" })) }),
        )
        return
      }
      if (req.method === "POST" && path.endsWith("/chat/completions")) {
        answerChat(req, res, path, raw, requests, player)
        return
      }
      res.writeHead(404, { "content-type": "application/json" })
      res.end(JSON.stringify({ error: { message: `mock: no route ${req.method} ${path}` } }))
    })
  })
}

/** Listens on an ephemeral loopback port and returns it. */
async function listenLoopback(server: Server): Promise<number> {
  await new Promise<void>((res, rej) => {
    server.once("error", rej)
    server.listen(0, "127.0.0.1", () => res())
  })
  return (server.address() as AddressInfo).port
}

/** A loopback OpenAI-compatible model: POST /v1/chat/completions (SSE or JSON), GET /v1/models. */
export async function startMockModel(opts: MockModelOptions = {}): Promise<MockModel> {
  const requests: MockRequest[] = []
  const player = scriptPlayer(opts)
  const server = mockServer(opts.models ?? ["mock-model"], requests, player)
  server.keepAliveTimeout = 1000
  const port = await listenLoopback(server)

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    get calls() {
      return requests.length
    },
    get chatCalls() {
      return requests.filter((r) => !r.isTitle).length
    },
    requests,
    setScript(s) {
      player.set(s)
    },
    reset() {
      requests.length = 0
      player.rewind()
    },
    async waitForCalls(n, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      while (requests.length < n) {
        if (Date.now() > deadline)
          throw new Error(`mock model: expected ${n} calls, got ${requests.length} after ${timeoutMs} ms`)
        await sleep(25)
      }
    },
    close() {
      return new Promise<void>((res) => {
        server.closeAllConnections()
        server.close(() => res())
      })
    },
  }
}
