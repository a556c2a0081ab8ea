// A built-in Z.ai monitor simulator: a real HTTP server on a loopback port answering the monitor endpoints the way
// the real API does (every schema era, the China envelope, the error shapes). The demo runs against it; so do tests.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { createServer as createTlsServer } from "node:https"
import type { AddressInfo } from "node:net"
import type { PlanId } from "../core/types.ts"
import { PATHS } from "./client.ts"
import { MODELS_PATH } from "./models.ts"

export type Era = "jan" | "feb" | "weekly" | "credit"

export interface SimState {
  era: Era
  plan: PlanId
  /** China envelope: `msg` in Chinese or missing. */
  china: boolean
  fiveHourPercent: number
  weeklyPercent: number
  mcpUsed: number
  /** ms until the five-hour window resets. */
  fiveHourResetInMs: number
  weeklyResetInMs: number
  mcpResetInMs: number
  /** Keys the server accepts; an empty list accepts any non-empty key. */
  keys: string[]
  latencyMs: number
  /** Extra raw entries appended to `limits` (unknown types and units). */
  extraLimits: unknown[]
  /** The monthly MCP row (`TIME_LIMIT`); credit plans usually send none. */
  mcpRow: boolean
  /** Replaces the whole quota/limit answer (status, headers, body text), or misbehaves at the socket. */
  fault: Fault | null
  /** Available reset cards of each kind, expiring 10 days after now; null: the endpoint answers 404 (a host without it). */
  resetCards: { fiveHour: number; week: number } | null
  /** Ids the coding endpoint lists (`/api/coding/paas/v4/models`); null: it answers 404. */
  models: string[] | null
}

/** OpenCode's catalog for zai-coding-plan plus GLM-5.4 (zai-monitor-api.md, "Models on the plan"). */
export const SIM_MODELS: readonly string[] = ["glm-4.7", "glm-5-turbo", "glm-5.2", "glm-5.2-highspeed", "glm-5.3", "glm-5.3-flash", "glm-5.3-highspeed", "glm-5.4"]

export type Fault =
  | { kind: "answer"; status: number; body: string; headers?: Record<string, string> }
  | { kind: "hang" }
  | { kind: "reset" }
  | { kind: "huge"; bytes: number }

const CAPS: Record<PlanId, { mcp: number; jan5h: number; credit5h: number; creditWeek: number }> = {
  lite: { mcp: 100, jan5h: 8_000_000, credit5h: 2000, creditWeek: 10000 },
  pro: { mcp: 1000, jan5h: 40_000_000, credit5h: 8000, creditWeek: 40000 },
  max: { mcp: 4000, jan5h: 160_000_000, credit5h: 28000, creditWeek: 140000 },
}

export const DEMO_STATE: SimState = {
  era: "weekly",
  plan: "pro",
  china: false,
  fiveHourPercent: 37,
  weeklyPercent: 41,
  mcpUsed: 147,
  fiveHourResetInMs: (2 * 60 + 41) * 60_000,
  weeklyResetInMs: (3 * 24 + 9) * 3600_000 + 17 * 60_000,
  mcpResetInMs: (18 * 24 + 4) * 3600_000,
  keys: [],
  latencyMs: 0,
  extraLimits: [],
  mcpRow: true,
  fault: null,
  resetCards: { fiveHour: 1, week: 0 },
  models: [...SIM_MODELS],
}

function mcpEntry(s: SimState, nowMs: number, withReset: boolean): Record<string, unknown> {
  const cap = CAPS[s.plan].mcp
  const search = Math.round(s.mcpUsed * 0.57)
  const reader = Math.round(s.mcpUsed * 0.28)
  const e: Record<string, unknown> = {
    type: "TIME_LIMIT", unit: 5, number: 1, usage: cap, currentValue: s.mcpUsed, remaining: Math.max(0, cap - s.mcpUsed),
    percentage: Math.round((s.mcpUsed / cap) * 100),
    usageDetails: [
      { modelCode: "search-prime", usage: search },
      { modelCode: "web-reader", usage: reader },
      { modelCode: "zread", usage: s.mcpUsed - search - reader },
    ],
  }
  if (withReset) e.nextResetTime = nowMs + s.mcpResetInMs
  return e
}

/** The quota/limit `data` of the state's era, at `now`. */
export function quotaData(s: SimState, nowMs: number): Record<string, unknown> {
  const fiveReset = nowMs + s.fiveHourResetInMs
  const weekReset = nowMs + s.weeklyResetInMs
  const planName = s.plan[0]!.toUpperCase() + s.plan.slice(1)
  if (s.era === "jan") {
    const cap = CAPS[s.plan].jan5h
    const used = Math.round((cap * s.fiveHourPercent) / 100)
    return {
      planName,
      limits: [
        { type: "TOKENS_LIMIT", unit: 3, number: 5, usage: cap, currentValue: used, remaining: cap - used, percentage: s.fiveHourPercent, nextResetTime: fiveReset },
        mcpEntry(s, nowMs, false),
        ...s.extraLimits,
      ],
    }
  }
  if (s.era === "feb") {
    return {
      planName,
      limits: [
        { type: "TOKENS_LIMIT", unit: 3, number: 5, percentage: s.fiveHourPercent, nextResetTime: fiveReset },
        mcpEntry(s, nowMs, true),
        ...s.extraLimits,
      ],
    }
  }
  if (s.era === "weekly") {
    return {
      level: s.plan,
      limits: [
        { type: "TOKENS_LIMIT", unit: 3, number: 5, percentage: s.fiveHourPercent, nextResetTime: fiveReset },
        { type: "TOKENS_LIMIT", unit: 6, number: 1, percentage: s.weeklyPercent, nextResetTime: weekReset },
        mcpEntry(s, nowMs, true),
        ...s.extraLimits,
      ],
    }
  }
  const c = CAPS[s.plan]
  const used5 = Math.round((c.credit5h * s.fiveHourPercent) / 100)
  const usedW = Math.round((c.creditWeek * s.weeklyPercent) / 100)
  return {
    level: s.plan,
    limits: [
      { type: "CREDIT_LIMIT", unit: 3, number: 5, usage: c.credit5h, currentValue: used5, remaining: c.credit5h - used5, percentage: s.fiveHourPercent, nextResetTime: fiveReset },
      { type: "CREDIT_LIMIT", unit: 6, number: 1, usage: c.creditWeek, currentValue: usedW, remaining: c.creditWeek - usedW, percentage: s.weeklyPercent, nextResetTime: weekReset },
      ...(s.mcpRow ? [mcpEntry(s, nowMs, true)] : []),
      ...s.extraLimits,
    ],
  }
}

function envelope(s: SimState, data: unknown): Record<string, unknown> {
  if (s.china) return { code: 200, data, success: true }
  return { code: 200, msg: "Operation successful", data, success: true }
}

function hourly(nowMs: number): string[] {
  const hours: string[] = []
  const bj = nowMs + 8 * 3600_000
  const top = bj - (bj % 3600_000)
  for (let i = 23; i >= 0; i--) {
    const d = new Date(top - i * 3600_000)
    hours.push(d.toISOString().slice(0, 13).replace("T", " ") + ":00")
  }
  return hours
}

/** A plausible working day: quiet at night, busy in the afternoon, the current hour partial. */
function dayCurve(hours: string[], scale: number): (number | null)[] {
  return hours.map((h, i) => {
    const hour = Number(h.slice(11, 13))
    const busy = hour >= 9 && hour <= 22 ? 1 : 0.05
    const v = Math.round(scale * busy * (0.6 + 0.4 * Math.sin(hour / 3)))
    return i === hours.length - 1 ? Math.round(v / 2) : hour >= 2 && hour <= 6 ? null : v
  })
}

export function modelUsageData(nowMs: number): Record<string, unknown> {
  const x_time = hourly(nowMs)
  const calls = dayCurve(x_time, 40)
  const tokens = calls.map((c) => (c === null ? null : c * 21_500))
  const total = (xs: (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0)
  return { x_time, modelCallCount: calls, tokensUsage: tokens, totalUsage: { totalModelCallCount: total(calls), totalTokensUsage: total(tokens) } }
}

export function toolUsageData(nowMs: number): Record<string, unknown> {
  const x_time = hourly(nowMs)
  const search = dayCurve(x_time, 3)
  const reader = dayCurve(x_time, 2)
  const zread = x_time.map((_, i) => (i % 5 === 0 ? 1 : 0))
  const total = (xs: (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0)
  return {
    x_time, networkSearchCount: search, webReadMcpCount: reader, zreadMcpCount: zread,
    totalUsage: { totalNetworkSearchCount: total(search), totalWebReadMcpCount: total(reader), totalZreadMcpCount: total(zread) },
  }
}

/** An instant as the monitor API writes it: Beijing wall-clock text, no zone ("2026-12-05 18:00:00"). */
export function beijingWallClock(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ")
}

/** The customer-package-reset/list `data` for the state's card counts, at `now`. */
export function resetCardsData(cards: { fiveHour: number; week: number }, nowMs: number): Record<string, unknown> {
  const expireTime = beijingWallClock(nowMs + 10 * 86400_000)
  const make = (n: number, base: number) => Array.from({ length: Math.max(0, n) }, (_, i) => ({ recordId: base + i, expireTime, available: true }))
  return { fiveHourResets: make(cards.fiveHour, 5001), weekResets: make(cards.week, 7001), lastFiveHourResetTime: null, lastWeekResetTime: null }
}

export interface RecordedRequest {
  path: string
  authorization: string | undefined
  query: Record<string, string>
}

export interface Simulator {
  url: string
  port: number
  state: SimState
  /** Every request received, in order. */
  requests: RecordedRequest[]
  /** How many requests reached a path (e.g. PATHS.quota). */
  count(path?: string): number
  set(patch: Partial<SimState>): void
  /**
   * Holds every answer from now on until the returned function is called: a request that is "still on its way" for
   * exactly as long as a test needs, however slow the machine (a fixed latency is a guess).
   */
  hold(): () => void
  close(): Promise<void>
}

export interface SimulatorOptions {
  state?: Partial<SimState>
  /** The simulator's clock (resets are relative to it). */
  now?: () => Date
  port?: number
  /** Serve https with this key and certificate (PEM) instead of plain http: for proxy (CONNECT) and TLS tests. */
  tls?: { key: string | Buffer; cert: string | Buffer }
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const state: SimState = { ...DEMO_STATE, ...opts.state }
  const now = opts.now ?? (() => new Date())
  const requests: RecordedRequest[] = []
  let gate: Promise<void> | null = null
  const releases = new Set<() => void>()

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers })
    res.end(body)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    requests.push({ path: url.pathname, authorization: req.headers.authorization, query: Object.fromEntries(url.searchParams) })
    if (state.latencyMs > 0) await new Promise((r) => setTimeout(r, state.latencyMs))
    if (gate !== null) await gate
    // Using a card is never this tool's business: any `…/use` path is a 404 whatever the key, and stays in `requests`
    // so a test can assert it was never asked.
    if (/\/use\/?$/.test(url.pathname)) return send(res, 404, JSON.stringify({ code: 404, msg: "Not Found", success: false }))
    const auth = (req.headers.authorization ?? "").replace(/^Bearer\s+/i, "").trim()
    if (url.pathname === MODELS_PATH) {
      // The coding endpoint speaks OpenAI: HTTP 401 with an error object, no monitor envelope.
      if (auth === "" || (state.keys.length > 0 && !state.keys.includes(auth))) {
        return send(res, 401, JSON.stringify({ error: { message: "Invalid API key", type: "authentication_error", code: "401" } }))
      }
      if (state.models === null) return send(res, 404, JSON.stringify({ error: { message: "Not Found", type: "not_found", code: "404" } }))
      return send(res, 200, JSON.stringify({ object: "list", data: state.models.map((id) => ({ id, object: "model", owned_by: "z-ai" })) }))
    }
    if (auth === "") {
      const msg = state.china ? "Header中未收到Authorization参数，无法进行身份验证。" : "Authorization Token Missing"
      return send(res, 200, JSON.stringify({ code: 1001, msg, success: false }))
    }
    if (state.keys.length > 0 && !state.keys.includes(auth)) {
      const msg = state.china ? "令牌已过期或验证不正确" : "token expired or incorrect"
      return send(res, 200, JSON.stringify({ code: 401, msg, success: false }))
    }
    const nowMs = now().getTime()
    if (url.pathname === PATHS.quota) {
      const f = state.fault
      if (f !== null) {
        if (f.kind === "hang") return // never answers; the client's timeout ends it
        if (f.kind === "reset") {
          res.writeHead(200, { "content-type": "application/json", "content-length": "4000" })
          res.write('{"code":200,"msg":"Operation successful","data":{"level":"pro","limits":[{"type":"TOK')
          setTimeout(() => res.destroy(), 20)
          return
        }
        if (f.kind === "huge") {
          res.writeHead(200, { "content-type": "application/json" })
          const chunk = " ".repeat(64 * 1024)
          let sent = 0
          res.write('{"code":200,"data":{"level":"pro","pad":"')
          const pump = () => {
            while (sent < f.bytes) {
              sent += chunk.length
              if (!res.write(chunk)) return void res.once("drain", pump)
            }
            res.end('"}}')
          }
          res.on("error", () => undefined)
          return pump()
        }
        return send(res, f.status, f.body, f.headers)
      }
      return send(res, 200, JSON.stringify(envelope(state, quotaData(state, nowMs))))
    }
    if (url.pathname === PATHS.modelUsage) return send(res, 200, JSON.stringify(envelope(state, modelUsageData(nowMs))))
    if (url.pathname === PATHS.toolUsage) return send(res, 200, JSON.stringify(envelope(state, toolUsageData(nowMs))))
    if (url.pathname === PATHS.resetCards) {
      if (state.resetCards === null) return send(res, 404, JSON.stringify({ code: 404, msg: "Not Found", success: false }))
      return send(res, 200, JSON.stringify(envelope(state, resetCardsData(state.resetCards, nowMs))))
    }
    if (url.pathname === PATHS.subscription) {
      const name = `GLM Coding ${state.plan[0]!.toUpperCase()}${state.plan.slice(1)}`
      return send(res, 200, JSON.stringify(envelope(state, [{ productName: name, status: "VALID", nextRenewTime: nowMs + 12 * 86400_000, billingCycle: "MONTHLY", autoRenew: true }])))
    }
    return send(res, 404, JSON.stringify({ code: 404, msg: "Not Found", success: false }))
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, "{}")
    })
  }
  const server = opts.tls ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert }, listener) : createServer(listener)
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    state,
    requests,
    count: (path?: string) => (path === undefined ? requests.length : requests.filter((r) => r.path === path).length),
    set: (patch) => Object.assign(state, patch),
    hold: () => {
      let release = () => {}
      const held = new Promise<void>((r) => (release = r))
      gate = held
      releases.add(release)
      return () => {
        if (gate === held) gate = null
        releases.delete(release)
        release()
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of releases) release()
        releases.clear()
        gate = null
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
