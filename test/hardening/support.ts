// Shared by the hardening suites: a recording fake OpenCode client, the CLI with a max-RSS probe, a loopback CONNECT
// proxy, a throw-away TLS certificate, and a walk over every file a run left behind. No module is mocked: the CLI is
// a real process, the servers are real sockets.
import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { createServer, type IncomingMessage } from "node:http"
import { connect, type AddressInfo, type Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { PluginInput } from "@opencode-ai/plugin"
import { CANARY_KEY, ROOT, runCli, type CliRun } from "../helpers.ts"

export const HARDENING = join(ROOT, "test", "hardening")

/** Every form in which the canary key could leak: raw, as an Authorization value, base64, URL-encoded. */
export const CANARY_FORMS = [
  CANARY_KEY,
  `Bearer ${CANARY_KEY}`,
  Buffer.from(CANARY_KEY).toString("base64"),
  encodeURIComponent(CANARY_KEY),
]

/** Any 12 characters in a row of the key: catches a key cut short by a length limit, or shown in part. */
const KEY_PIECES = Array.from({ length: CANARY_KEY.length - 11 }, (_, i) => CANARY_KEY.slice(i, i + 12))

/** The forms of the key, or pieces of it, found in `text`. */
export function leaks(text: string): string[] {
  const found = CANARY_FORMS.filter((f) => text.includes(f))
  if (found.length > 0) return found
  const piece = KEY_PIECES.find((p) => text.includes(p))
  return piece === undefined ? [] : [`a piece of the key: ${piece}`]
}

export interface FakeClient {
  input: PluginInput
  toasts: { title: string; message: string; variant: string }[]
  prompts: {
    path: { id: string }
    body: { noReply: boolean; parts: { type: string; text: string; ignored?: boolean }[] }
  }[]
  logs: { level: string; message: string }[]
  /** Every argument of every client call, serialised: what the plugin handed to OpenCode. */
  raw: string[]
}

/** A fake OpenCode client that records every call. `failing`: every method throws synchronously. */
export function fakeClient(failing = false): FakeClient {
  const f: Omit<FakeClient, "input"> = { toasts: [], prompts: [], logs: [], raw: [] }
  const record = <T>(list: T[], x: { body?: unknown } & Record<string, unknown>, item: T) => {
    f.raw.push(JSON.stringify(x))
    if (failing) throw new Error("the TUI is gone")
    list.push(item)
    return true
  }
  const client = {
    app: { log: async (x: { body: FakeClient["logs"][number] }) => record(f.logs, x, x.body) },
    tui: { showToast: async (x: { body: FakeClient["toasts"][number] }) => record(f.toasts, x, x.body) },
    session: { prompt: async (x: FakeClient["prompts"][number]) => (record(f.prompts, x as never, x), {}) },
  }
  return { ...f, input: { client, directory: "/tmp", worktree: "/tmp" } as unknown as PluginInput }
}

export interface ProbedRun extends CliRun {
  /** Peak resident set size of the CLI process, in KiB (process.resourceUsage().maxRSS at exit). */
  maxRssKiB: number | null
}

/** CLI processes one test file runs at once: the suites run their tests concurrently, on a 2-core machine. */
const MAX_CLI = 3
let running = 0
const waiting: (() => void)[] = []

async function slot<T>(f: () => Promise<T>): Promise<T> {
  if (running >= MAX_CLI) await new Promise<void>((r) => waiting.push(r))
  running++
  try {
    return await f()
  } finally {
    running--
    waiting.shift()?.()
  }
}

/**
 * Runs `node dist/cli.cjs` with exactly `env` (plus PATH), like helpers.runCli, with a tiny preload that records the
 * process's peak RSS at exit. At most MAX_CLI at a time.
 */
export function runCliProbed(args: string[], env: Record<string, string>, timeoutMs = 20_000): Promise<ProbedRun> {
  return slot(() => spawnProbed(args, env, timeoutMs))
}

async function spawnProbed(args: string[], env: Record<string, string>, timeoutMs: number): Promise<ProbedRun> {
  const dir = mkdtempSync(join(tmpdir(), "glmq-rss-"))
  const rssFile = join(dir, "rss")
  const run = await runCli(args, { ...env, GLMQ_RSS_FILE: rssFile }, timeoutMs, [
    "--import",
    join(HARDENING, "fixtures", "max-rss.mjs"),
  ])
  const maxRssKiB = existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) : null
  rmSync(dir, { recursive: true, force: true })
  return { ...run, maxRssKiB }
}

export interface ConnectProxy {
  url: string
  /** host:port of every CONNECT tunnel opened, in order. */
  tunnels: string[]
  /** Plain (non-CONNECT) requests, which a proxy for https:// URLs should never see. */
  plain: string[]
  /** Raw header blocks of every CONNECT request, to check nothing secret was sent in the clear. */
  headers: string[]
  close(): Promise<void>
}

/** A loopback HTTP proxy that answers CONNECT by piping to the target, and counts what it carried. */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: string[] = []
  const plain: string[] = []
  const headers: string[] = []
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    plain.push(`${req.method} ${req.url}`)
    res.writeHead(502, { "content-type": "text/plain" })
    res.end("this proxy only tunnels")
  })
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? ""
    tunnels.push(target)
    headers.push(req.rawHeaders.join("\n"))
    sockets.add(client)
    const colon = target.lastIndexOf(":")
    const upstream = connect(Number(target.slice(colon + 1)), target.slice(0, colon).replace(/^\[|\]$/g, ""), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    const end = () => {
      upstream.destroy()
      client.destroy()
    }
    upstream.on("error", () => {
      if (!client.destroyed) client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n")
      end()
    })
    client.on("error", end)
    client.on("close", () => sockets.delete(client))
    upstream.on("close", () => sockets.delete(upstream))
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    plain,
    headers,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

export interface TestCert {
  key: string
  cert: string
  certFile: string
  /** "openssl" when made for this run, "fixture" when the committed long-lived one was used. */
  origin: "openssl" | "fixture"
}

/** A throw-away self-signed certificate for 127.0.0.1, made with openssl; the committed fixture when it is missing. */
export function makeCert(dir: string): TestCert {
  const keyFile = join(dir, "key.pem")
  const certFile = join(dir, "cert.pem")
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyFile,
        "-out",
        certFile,
        "-days",
        "2",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
      ],
      { stdio: "ignore" },
    )
    return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), certFile, origin: "openssl" }
  } catch {
    const fixtures = join(HARDENING, "fixtures")
    return {
      key: readFileSync(join(fixtures, "loopback-key.pem"), "utf8"),
      cert: readFileSync(join(fixtures, "loopback-cert.pem"), "utf8"),
      certFile: join(fixtures, "loopback-cert.pem"),
      origin: "fixture",
    }
  }
}

export interface FoundFile {
  path: string
  mode: number
  dirMode: number
  text: string
}

/** Every regular file under `dir`, with its mode, its directory's mode and its content. */
export function walkFiles(dir: string): FoundFile[] {
  const out: FoundFile[] = []
  if (!existsSync(dir)) return out
  const dirMode = statSync(dir).mode & 0o777
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name)
    if (e.isDirectory()) out.push(...walkFiles(path))
    else if (e.isFile())
      out.push({ path, mode: statSync(path).mode & 0o777, dirMode, text: readFileSync(path, "latin1") })
  }
  return out
}

export { until } from "../helpers.ts"

export const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms))

export { CANARY_KEY }
