// The loopback Z.ai simulator of the tests: the demo's answers (src/zai/demo.ts) served over real HTTP (or HTTPS, for
// the proxy tests), plus what only tests need — faults at the socket, latency, a hold gate, a request log.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { createServer as createTlsServer } from "node:https"
import type { AddressInfo } from "node:net"
import { PATHS } from "../../src/zai/client.ts"
import { DEMO_STATE, demoAnswer, type DemoState } from "../../src/zai/demo.ts"

export { DEMO_STATE, quotaData, SIM_MODELS, beijingWallClock, resetCardsData, type Era } from "../../src/zai/demo.ts"
export { modelUsageData, toolUsageData } from "../../src/zai/demo-usage.ts"

export type Fault =
  | { kind: "answer"; status: number; body: string; headers?: Record<string, string> }
  | { kind: "hang" }
  | { kind: "reset" }
  | { kind: "huge"; bytes: number }

export interface SimState extends DemoState {
  latencyMs: number
  /** Replaces the whole quota/limit answer (status, headers, body text), or misbehaves at the socket. */
  fault: Fault | null
  /** null: no `Date` header (the default); a number: every answer's `Date` is the simulator's now() plus this. */
  dateOffsetMs: number | null
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
  const state: SimState = { ...DEMO_STATE, latencyMs: 0, fault: null, dateOffsetMs: null, ...opts.state }
  const now = opts.now ?? (() => new Date())
  const requests: RecordedRequest[] = []
  let gate: Promise<void> | null = null
  const releases = new Set<() => void>()

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    const date =
      state.dateOffsetMs === null ? {} : { date: new Date(now().getTime() + state.dateOffsetMs).toUTCString() }
    res.sendDate = false // Node would add the real time itself
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...date, ...headers })
    res.end(body)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    requests.push({
      path: url.pathname,
      authorization: req.headers.authorization,
      query: Object.fromEntries(url.searchParams),
    })
    if (state.latencyMs > 0) await new Promise((r) => setTimeout(r, state.latencyMs))
    if (gate !== null) await gate
    const answer = demoAnswer(state, url.pathname, req.headers.authorization, now().getTime())
    // Faults replace the quota answer of an accepted key.
    if (
      url.pathname === PATHS.quota &&
      answer.status === 200 &&
      state.fault !== null &&
      !answer.body.includes('"success":false')
    )
      return fault(res, state.fault)
    send(res, answer.status, answer.body)
  }

  const fault = (res: ServerResponse, f: Fault) => {
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
    send(res, f.status, f.body, f.headers)
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, "{}")
    })
  }
  const server = opts.tls
    ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert }, listener)
    : createServer(listener)
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
