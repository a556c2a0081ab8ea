// Runs the real `opencode` binary (opencode-ai 1.18.33) headless and offline for the e2e tests, fully isolated
// (own HOME / XDG dirs, isolation.ts), against a loopback OpenAI-compatible mock model (mock-model.ts).
//
//   const mock = await startMockModel({ script: [{ text: "hi" }] })
//   const oc = await startOpencode({ pluginSpec: PLUGIN_PATH, pluginOptions: { … }, mock })
//   const { data: session } = await oc.client.session.create({ body: {} })
//   await oc.client.session.command({ path: { id: session!.id }, body: { command: "glm-quota", arguments: "" } })
//   await oc.events.waitFor((e) => e.type === "tui.toast.show")
//   await oc.stop(); await mock.close()
//
// Every wait is bounded; every child runs in its own process group and is killed as a group.
// Set E2E_KEEP=1 to keep the temp trees (their paths are printed) for debugging.

import { spawn, type ChildProcess } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { createOpencodeClient, type Event, type OpencodeClient } from "@opencode-ai/sdk"
import {
  disposeIsolated,
  killTree,
  makeIsolated,
  trackGroup,
  type Isolated,
  type IsolationOptions,
} from "./isolation.ts"
import type { MockModel } from "./mock-model.ts"
import { REPO_ROOT, sleep, withTimeout, type Obj } from "./util.ts"
import { hostBin } from "../hosts/hosts.ts"

/** The real 1.x binary: `$OPENCODE_BIN`, else the pinned install under test/hosts (test/hosts/hosts.ts). */
export const OPENCODE_BIN: string = hostBin(1)

// ───────────────────────────── events ─────────────────────────────

/** A bus event as received (the SDK's `Event` union, plus types it does not list, e.g. plugin.added). */
export type BusEvent = Event | { type: string; properties: Obj }

export type EventLog = {
  /** Everything received so far, in order. */
  readonly all: BusEvent[]
  ofType<T extends Event["type"]>(type: T): Extract<Event, { type: T }>[]
  /** Current length; pass as `since` to only match later events. */
  cursor(): number
  /** Resolves with the first event (from index `since`, default 0) matching `pred`; rejects after `timeoutMs`. */
  waitFor(pred: (e: BusEvent) => boolean, timeoutMs?: number, since?: number): Promise<BusEvent>
  waitForType<T extends Event["type"]>(
    type: T,
    pred?: (e: Extract<Event, { type: T }>) => boolean,
    timeoutMs?: number,
    since?: number,
  ): Promise<Extract<Event, { type: T }>>
}

function makeEventLog(): EventLog & { push(e: BusEvent): void } {
  const all: BusEvent[] = []
  const waiters = new Set<() => void>()
  const log = {
    all,
    push(e: BusEvent) {
      all.push(e)
      for (const w of [...waiters]) w()
    },
    ofType<T extends Event["type"]>(type: T) {
      return all.filter((e) => e.type === type) as Extract<Event, { type: T }>[]
    },
    cursor: () => all.length,
    waitFor(pred: (e: BusEvent) => boolean, timeoutMs = 15_000, since = 0): Promise<BusEvent> {
      return new Promise<BusEvent>((res, rej) => {
        let i = since
        const check = () => {
          for (; i < all.length; i++) {
            const e = all[i]!
            let ok = false
            try {
              ok = pred(e)
            } catch {
              ok = false
            }
            if (ok) {
              cleanup()
              res(e)
              return
            }
          }
        }
        const timer = setTimeout(() => {
          cleanup()
          const seen = [...new Set(all.slice(since).map((e) => e.type))].join(", ")
          rej(new Error(`event not seen within ${timeoutMs} ms; types seen: ${seen}`))
        }, timeoutMs)
        const cleanup = () => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
        check()
      })
    },
    waitForType<T extends Event["type"]>(
      type: T,
      pred?: (e: Extract<Event, { type: T }>) => boolean,
      timeoutMs?: number,
      since?: number,
    ) {
      return log.waitFor(
        (e) => e.type === type && (!pred || pred(e as Extract<Event, { type: T }>)),
        timeoutMs,
        since,
      ) as Promise<Extract<Event, { type: T }>>
    },
  }
  return log
}

// ───────────────────────────── opencode serve ─────────────────────────────

export type StartOptions = IsolationOptions & {
  /** Budget for spawn → listening → instance (plugins) loaded. Default 60 s. */
  startTimeoutMs?: number
  /** Per-request timeout of the returned client. Default 30 s. */
  requestTimeoutMs?: number
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR"
}

export type Timings = { spawnToListenMs: number; listenToReadyMs: number; totalStartMs: number; stopMs?: number }

export type OpencodeServer = {
  url: string
  dir: string
  home: string
  root: string
  configDir: string
  dataDir: string
  config: Obj
  pid: number
  mock: MockModel
  /** SDK client bound to `dir`, every request bounded by requestTimeoutMs. */
  client: OpencodeClient
  /** Raw fetch against the server with `?directory=` added and a timeout. */
  fetch(path: string, init?: RequestInit & { timeoutMs?: number }): Promise<Response>
  events: EventLog
  /** Server stdout+stderr (with --print-logs) so far. */
  logs(): string
  timings: Timings
  /** Creates a session and returns its id. */
  createSession(title?: string): Promise<string>
  /** All text of a session's messages, `role: text` per part, joined by newlines. */
  sessionText(sessionID: string): Promise<string>
  /** Kills the process tree, closes an owned mock, removes the temp tree. Idempotent. */
  stop(): Promise<void>
}

function timedFetch(timeoutMs: number) {
  return (req: Request): Promise<Response> => {
    const signal = AbortSignal.any([req.signal, AbortSignal.timeout(timeoutMs)])
    return fetch(new Request(req, { signal }))
  }
}

/** Spawns the binary in the isolated tree, detached into its own process group so killTree ends it with its children. */
function spawnOpencode(
  args: string[],
  iso: Isolated,
  onStdout: (d: string) => void,
  onStderr: (d: string) => void,
): ChildProcess {
  const child = spawn(OPENCODE_BIN, args, {
    cwd: iso.dir,
    env: iso.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  })
  if (child.pid) trackGroup(child.pid)
  child.stdout?.setEncoding("utf8")
  child.stderr?.setEncoding("utf8")
  child.stdout?.on("data", onStdout)
  child.stderr?.on("data", onStderr)
  return child
}

/** Resolves with the server's URL once it prints that it is listening; rejects when it exits first. */
function waitForListening(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  return withTimeout(
    new Promise<string>((res, rej) => {
      const onData = () => {
        const m = /opencode server listening on (http:\/\/[^\s]+)/.exec(output())
        if (m?.[1]) {
          child.stdout?.off("data", onData)
          child.stderr?.off("data", onData)
          res(m[1].replace(/\/$/, ""))
        }
      }
      child.stdout?.on("data", onData)
      child.stderr?.on("data", onData)
      child.once("exit", (code, sig) =>
        rej(new Error(`opencode serve exited early (${code ?? sig}):\n${output().slice(-4000)}`)),
      )
      child.once("error", rej)
    }),
    timeoutMs,
    "opencode serve did not start listening",
  )
}

type DirFetch = OpencodeServer["fetch"]

/** Raw fetch against the server with `?directory=` added (a request without it can hang) and a timeout. */
function dirFetch(url: string, dir: string, requestTimeout: number): DirFetch {
  const withDir = (path: string) => {
    const u = new URL(path, url + "/")
    if (!u.searchParams.has("directory")) u.searchParams.set("directory", dir)
    return u
  }
  return (path: string, init: RequestInit & { timeoutMs?: number } = {}) => {
    const { timeoutMs, ...rest } = init
    return fetch(withDir(path), { ...rest, signal: AbortSignal.timeout(timeoutMs ?? requestTimeout) })
  }
}

// Ready = the instance for `dir` is bootstrapped (config + plugins loaded): GET /command answers 200.
async function waitForReady(
  child: ChildProcess,
  rawFetch: DirFetch,
  output: () => string,
  deadline: number,
  startTimeout: number,
): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`opencode serve exited (${child.exitCode}):\n${output().slice(-4000)}`)
    const left = deadline - Date.now()
    if (left <= 0) throw new Error(`opencode serve not ready within ${startTimeout} ms:\n${output().slice(-4000)}`)
    const r = await rawFetch("/command", { timeoutMs: Math.min(left, 20_000) }).catch(() => undefined)
    if (r?.ok) {
      await r.arrayBuffer()
      return
    }
    if (r && r.status >= 400 && r.status < 500) {
      throw new Error(`opencode serve: GET /command → ${r.status}: ${(await r.text()).slice(0, 2000)}`)
    }
    await sleep(100)
  }
}

/** Streams the event bus into `events` until `signal` aborts or `stopped()`; resolves once `server.connected` arrived. */
function subscribeEvents(
  url: string,
  dir: string,
  events: EventLog & { push(e: BusEvent): void },
  signal: AbortSignal,
  stopped: () => boolean,
  timeoutMs: number,
): Promise<void> {
  // Its own client, without the per-request timeout: the stream lives as long as the server.
  const eventClient = createOpencodeClient({ baseUrl: url, directory: dir })
  const connected = new Promise<void>((res) => {
    void (async () => {
      try {
        const sub = await eventClient.event.subscribe({ signal, sseMaxRetryAttempts: 5, sseDefaultRetryDelay: 200 })
        for await (const e of sub.stream) {
          const ev = e as BusEvent
          if (ev.type === "server.connected") res()
          events.push(ev)
          if (stopped()) break
        }
      } catch {
        // aborted or server gone
      }
    })()
  })
  return withTimeout(connected, timeoutMs, "event stream did not connect")
}

function sessionHelpers(client: OpencodeClient): Pick<OpencodeServer, "createSession" | "sessionText"> {
  return {
    async createSession(title) {
      const r = await client.session.create({ body: title ? { title } : {} })
      if (!r.data) throw new Error(`session.create failed: ${JSON.stringify(r.error)}`)
      return r.data.id
    },
    async sessionText(sessionID) {
      const r = await client.session.messages({ path: { id: sessionID } })
      if (!r.data) throw new Error(`session.messages failed: ${JSON.stringify(r.error)}`)
      const lines: string[] = []
      for (const m of r.data) {
        for (const p of m.parts) if (p.type === "text") lines.push(`${m.info.role}: ${p.text}`)
      }
      return lines.join("\n")
    },
  }
}

/** Starts `opencode serve` for an isolated project; resolves once plugins are loaded and the event stream is connected. */
export async function startOpencode(o: StartOptions = {}): Promise<OpencodeServer> {
  const t0 = Date.now()
  const startTimeout = o.startTimeoutMs ?? 60_000
  const requestTimeout = o.requestTimeoutMs ?? 30_000
  const iso = await makeIsolated(o)
  let out = ""
  const append = (d: string) => (out += d)
  const output = () => out
  const args = ["serve", "--port", "0", "--hostname", "127.0.0.1", "--print-logs", "--log-level", o.logLevel ?? "INFO"]
  const child = spawnOpencode(args, iso, append, append)

  const events = makeEventLog()
  const sse = new AbortController()
  let stopped = false
  let stopPromise: Promise<void> | undefined

  const stop = () => {
    stopPromise ??= (async () => {
      const s = Date.now()
      stopped = true
      sse.abort()
      await killTree(child)
      await disposeIsolated(iso)
      timings.stopMs = Date.now() - s
    })()
    return stopPromise
  }
  const timings: Timings = { spawnToListenMs: 0, listenToReadyMs: 0, totalStartMs: 0 }

  try {
    const tSpawn = Date.now()
    const url = await waitForListening(child, output, startTimeout)
    const tListen = Date.now()
    timings.spawnToListenMs = tListen - tSpawn

    const rawFetch = dirFetch(url, iso.dir, requestTimeout)
    const deadline = t0 + startTimeout
    await waitForReady(child, rawFetch, output, deadline, startTimeout)

    const client = createOpencodeClient({ baseUrl: url, directory: iso.dir, fetch: timedFetch(requestTimeout) })
    await subscribeEvents(url, iso.dir, events, sse.signal, () => stopped, Math.max(5_000, deadline - Date.now()))
    timings.listenToReadyMs = Date.now() - tListen
    timings.totalStartMs = Date.now() - t0

    return {
      url,
      dir: iso.dir,
      home: iso.home,
      root: iso.root,
      configDir: iso.configDir,
      dataDir: iso.dataDir,
      config: iso.config,
      pid: child.pid ?? -1,
      mock: iso.mock,
      client,
      fetch: rawFetch,
      events,
      logs: output,
      timings,
      ...sessionHelpers(client),
      stop,
    }
  } catch (e) {
    await stop()
    throw e
  }
}

// ───────────────────────────── opencode run ─────────────────────────────

export type RunOptions = IsolationOptions & {
  timeoutMs?: number
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR"
  printLogs?: boolean
}

export type RunResult = {
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  stdout: string
  stderr: string
  durationMs: number
  /** The mock used (closed already when it was started internally; its requests stay readable). */
  mock: MockModel
  dir: string
  home: string
}

/** Runs `opencode <args>` (e.g. ["run", "--command", "glm-quota"]) to completion in an isolated tree. */
export async function runOpencode(args: string[], o: RunOptions = {}): Promise<RunResult> {
  const iso = await makeIsolated(o)
  const timeoutMs = o.timeoutMs ?? 60_000
  const fullArgs = [...args]
  if (o.printLogs) fullArgs.push("--print-logs")
  if (o.logLevel) fullArgs.push("--log-level", o.logLevel)
  const t0 = Date.now()
  let stdout = ""
  let stderr = ""
  let timedOut = false
  const child = spawnOpencode(
    fullArgs,
    iso,
    (d) => (stdout += d),
    (d) => (stderr += d),
  )
  try {
    const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
      const timer = setTimeout(() => {
        timedOut = true
        void killTree(child, 1000)
      }, timeoutMs)
      child.once("error", (e) => {
        clearTimeout(timer)
        stderr += String(e)
        res({ code: null, signal: null })
      })
      child.once("close", (code, signal) => {
        clearTimeout(timer)
        res({ code, signal })
      })
    })
    await killTree(child, 500) // stray grandchildren in the group
    return {
      ...result,
      timedOut,
      stdout,
      stderr,
      durationMs: Date.now() - t0,
      mock: iso.mock,
      dir: iso.dir,
      home: iso.home,
    }
  } finally {
    await disposeIsolated(iso)
  }
}
