// Runs the real OpenCode 2 binary (@opencode/cli 2.2.5, test/hosts/opencode2) headless and offline for the e2e
// tests: `opencode serve` on loopback in its own HOME / XDG / TMPDIR tree and process group, with the package
// directory in the config's `plugins` key the way 2.x users install it, a Coding Plan provider declared with options
// only (its models from 2.x's own catalog, pointed at a loopback mock model), and the HTTP API (Basic auth,
// `?directory=`) for the tests. See test/e2e/FINDINGS.md, "OpenCode 2".
import { execFileSync, spawn } from "node:child_process"
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createServer } from "node:net"
import { hostBin } from "../hosts/hosts.ts"
import { killTree, trackGroup } from "./isolation.ts"
import { REPO_ROOT, sleep, type Obj } from "./util.ts"

export const OPENCODE2_BIN = hostBin(2)
export const PASSWORD = "glm-quota-e2e"
const PASS_THROUGH = ["PATH", "LANG", "LC_ALL", "TERM", "TZ"]

export interface Opencode2Options {
  /** Plugin entry for `plugins` (default: this package's directory) and its options. */
  plugin?: string
  pluginOptions?: Obj
  /** Merged over the generated opencode.json. */
  config?: Obj
  /** The mock model's base URL (…/v1), for the zai-coding-plan provider. */
  modelUrl: string
  /** The model in the config (default zai-coding-plan/glm-5.3). */
  model?: string
  env?: Record<string, string>
  /** A key stored the way `opencode auth` stores it (opencode.db's credential table), through the API. */
  storedKey?: string
}

export interface Opencode2 {
  url: string
  dir: string
  home: string
  env: Record<string, string>
  api<T = Obj>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }>
  /** The plugin's state in GET /api/plugin. */
  plugin(id?: string): Promise<Obj | undefined>
  createSession(body?: Obj): Promise<string>
  /** Runs a slash command (204); its answer lands in the session. */
  command(sessionID: string, name: string, text?: string): Promise<number>
  /** The synthetic, user and assistant texts of a session: inbox first, then the transcript. */
  texts(sessionID: string): Promise<string[]>
  /** Sends a prompt and waits for the session to be idle again. */
  prompt(sessionID: string, text: string): Promise<void>
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once("error", reject)
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

export interface Isolated2 {
  home: string
  dir: string
  env: Record<string, string>
}

/** A HOME / XDG / TMPDIR tree and a project whose opencode.json names the plugin the way 2.x users do. */
export async function isolate2(opts: Opencode2Options): Promise<Isolated2> {
  const home = await mkdtemp(join(tmpdir(), "glmq-oc2-"))
  const dir = join(home, "project")
  await mkdir(dir, { recursive: true })
  await mkdir(join(home, "run"), { recursive: true })
  await mkdir(join(home, "tmp"), { recursive: true })
  const plugin = opts.pluginOptions
    ? { package: opts.plugin ?? REPO_ROOT, options: opts.pluginOptions }
    : (opts.plugin ?? REPO_ROOT)
  const config = {
    model: opts.model ?? "zai-coding-plan/glm-5.3",
    provider: { "zai-coding-plan": { options: { baseURL: opts.modelUrl, apiKey: "dummy-model-key" } } },
    plugins: [plugin],
    ...opts.config,
  }
  await writeFile(join(dir, "opencode.json"), JSON.stringify(config, null, 2))
  const env: Record<string, string> = {}
  for (const k of PASS_THROUGH) if (process.env[k] !== undefined) env[k] = process.env[k]!
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_STATE_HOME: join(home, ".local", "state"),
    XDG_RUNTIME_DIR: join(home, "run"),
    TMPDIR: join(home, "tmp"),
    OPENCODE_DISABLE_AUTOUPDATE: "1",
    OPENCODE_DISABLE_MODELS_FETCH: "1",
    OPENCODE_SERVER_PASSWORD: PASSWORD,
    ...opts.env,
  })
  return { home, dir, env }
}

export async function startOpencode2(opts: Opencode2Options): Promise<Opencode2> {
  const { home, dir, env } = await isolate2(opts)
  const port = await freePort()
  const child = spawn(OPENCODE2_BIN, ["serve", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: dir,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  })
  trackGroup(child.pid!)
  let log = ""
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()))
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()))
  const url = `http://127.0.0.1:${port}`
  const auth = `Basic ${Buffer.from(`opencode:${PASSWORD}`).toString("base64")}`
  const q = `directory=${encodeURIComponent(dir)}`
  const api = async <T = Obj>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}${path.includes("?") ? "&" : "?"}${q}`, {
      method,
      headers: { authorization: auth, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    })
    const text = await res.text()
    let data: unknown = null
    try {
      data = text === "" ? null : JSON.parse(text)
    } catch {
      data = text
    }
    return { status: res.status, data: data as T }
  }
  const stop = async () => {
    await killTree(child)
    if (process.env.E2E_KEEP !== "1") await rm(home, { recursive: true, force: true }).catch(() => undefined)
  }
  try {
    await until(
      async () => /listening/.test(log),
      60_000,
      () => `opencode serve did not start:\n${log}`,
    )
    const plugin = async (id = "glm-quota") => {
      const r = await api<{ data?: Obj[] }>("GET", "/api/plugin")
      return r.data?.data?.find((p) => p.id === id)
    }
    // Plugins activate a few seconds after `listening`.
    await until(
      async () => ((await plugin())?.state as Obj | undefined)?.status !== undefined,
      60_000,
      () => `glm-quota never appeared in /api/plugin:\n${log}`,
    )
    if (opts.storedKey !== undefined) {
      const r = await api("POST", "/api/integration/zai-coding-plan/connect/key", { key: opts.storedKey })
      if (r.status >= 300) throw new Error(`storing the key failed: ${r.status}`)
    }
    const createSession = async (body: Obj = {}) => {
      const r = await api<{ data: { id: string } }>("POST", "/api/session", body)
      return r.data.data.id
    }
    const texts = async (sessionID: string) => {
      const inbox = await api<{ data?: Obj[] }>("GET", `/api/session/${sessionID}/inbox`)
      const msgs = await api<{ data?: Obj[] }>("GET", `/api/session/${sessionID}/message`)
      const out: string[] = []
      for (const m of inbox.data?.data ?? []) out.push(String((m.payload as Obj | undefined)?.text ?? ""))
      for (const m of [...(msgs.data?.data ?? [])].reverse()) {
        if (typeof m.text === "string") out.push(m.text)
        for (const c of (m.content as Obj[] | undefined) ?? []) if (typeof c.text === "string") out.push(c.text)
      }
      return out
    }
    // A turn ends with an `idle` entry in the transcript, newer than the prompt.
    const prompt = async (sessionID: string, text: string) => {
      const sent = await api<{ data?: { time?: { created?: number } } }>("POST", `/api/session/${sessionID}/prompt`, {
        text,
      })
      const at = sent.data?.data?.time?.created ?? 0
      await until(
        async () => {
          const msgs = await api<{ data?: Obj[] }>("GET", `/api/session/${sessionID}/message`)
          return (msgs.data?.data ?? []).some(
            (m) => m.type === "idle" && ((m.time as { created?: number } | undefined)?.created ?? 0) >= at,
          )
        },
        60_000,
        () => `the turn of "${text}" did not end:\n${log.slice(-2000)}`,
      )
    }
    const command = async (sessionID: string, name: string, text = "") =>
      (await api("POST", `/api/session/${sessionID}/command`, { name, text })).status
    return { url, dir, home, env, api, plugin, createSession, command, texts, prompt, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** Polls `cond` every 100 ms until it holds, or throws `why()` after `ms`. */
export async function until(cond: () => Promise<boolean>, ms: number, why: () => string): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      if (await cond()) return
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(why())
    await sleep(100)
  }
}

export interface Tui2 {
  home: string
  /** The screen now (plain text). */
  screen(): string
  /** Polls the screen until `pred` holds; resolves with that screen, rejects with the last one after `ms`. */
  waitFor(pred: RegExp | ((screen: string) => boolean), ms?: number): Promise<string>
  type(text: string): void
  press(...keys: string[]): void
  stop(): Promise<void>
}

let tuiCount = 0
const q = (v: string) => "'" + v.replace(/'/g, "'\\''") + "'"

/** The 2.x TUI under tmux (its own socket), `opencode --standalone` in an isolated tree. */
export async function startTui2(opts: Opencode2Options & { width: number; height: number }): Promise<Tui2> {
  const { home, dir, env } = await isolate2(opts)
  const socket = `glmq2-${process.pid}-${++tuiCount}`
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" })
  const assigns = Object.entries({ ...env, TERM: "xterm-256color", COLORTERM: "truecolor" })
    .map(([k, v]) => `${k}=${q(v)}`)
    .join(" ")
  const cmd = `cd ${q(dir)} && exec env -i ${assigns} ${q(OPENCODE2_BIN)} --standalone 2>${q(join(home, "stderr.log"))}`
  tmux("new-session", "-d", "-x", String(opts.width), "-y", String(opts.height), cmd)
  const screen = () => {
    try {
      return tmux("capture-pane", "-p")
    } catch {
      return ""
    }
  }
  const waitFor = async (pred: RegExp | ((s: string) => boolean), ms = 30_000) => {
    const test = typeof pred === "function" ? pred : (s: string) => pred.test(s)
    const deadline = Date.now() + ms
    for (;;) {
      const s = screen()
      if (test(s)) return s
      if (Date.now() > deadline) throw new Error(`the screen never matched ${String(pred)}:\n${s}`)
      await sleep(150)
    }
  }
  return {
    home,
    screen,
    waitFor,
    type: (text) => void tmux("send-keys", "-l", text),
    press: (...keys) => void tmux("send-keys", ...keys),
    stop: async () => {
      try {
        tmux("kill-server")
      } catch {
        // gone
      }
      if (process.env.E2E_KEEP !== "1") await rm(home, { recursive: true, force: true }).catch(() => undefined)
    },
  }
}
