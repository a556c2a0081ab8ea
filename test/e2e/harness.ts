// End-to-end harness: runs the real `opencode` binary (opencode-ai 1.18.33) headless and offline,
// fully isolated (own HOME / XDG dirs), against a loopback OpenAI-compatible mock model.
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

import { spawn, execFileSync, type ChildProcess } from "node:child_process"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { existsSync, readFileSync } from "node:fs"
import { cp, mkdir, mkdtemp, rename, rm, stat, symlink, writeFile, copyFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, resolve, isAbsolute } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { createOpencodeClient, type Event, type OpencodeClient } from "@opencode-ai/sdk"

// ───────────────────────────── paths and constants ─────────────────────────────

export const OPENCODE_VERSION = "1.18.33"
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..")
export const FIXTURES_DIR = join(REPO_ROOT, "test/e2e/fixtures")

/** The real binary: `$OPENCODE_BIN`, else node_modules/.bin/opencode, else the platform package's binary. */
export const OPENCODE_BIN: string = (() => {
  const candidates = [
    process.env.OPENCODE_BIN,
    join(REPO_ROOT, "node_modules/.bin/opencode"),
    join(REPO_ROOT, `node_modules/opencode-${process.platform}-${process.arch}/bin/opencode`),
    join(REPO_ROOT, `node_modules/opencode-${process.platform}-${process.arch}-baseline/bin/opencode`),
  ]
  for (const c of candidates) if (c && existsSync(c)) return c
  return join(REPO_ROOT, "node_modules/.bin/opencode")
})()

const KEEP = process.env.E2E_KEEP === "1"

/** Env flags that switch off everything in OpenCode that reaches the network or the host. */
export const OFFLINE_ENV: Readonly<Record<string, string>> = {
  OPENCODE_DISABLE_AUTOUPDATE: "1",
  OPENCODE_DISABLE_MODELS_FETCH: "1",
  OPENCODE_DISABLE_DEFAULT_PLUGINS: "1",
  OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
  OPENCODE_DISABLE_SHARE: "1",
  OPENCODE_DISABLE_CLAUDE_CODE: "1",
  OPENCODE_DISABLE_EXTERNAL_SKILLS: "1",
}

// Host variables passed through to the binary; everything else (OPENCODE_*, provider keys, proxies…)
// is dropped so the developer's machine cannot leak into a test.
const PASS_THROUGH = ["PATH", "LANG", "LC_ALL", "TERM", "TZ", "TMPDIR", "SYSTEMROOT"]

// ───────────────────────────── small utilities ─────────────────────────────

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** Rejects with `message` after `ms`. */
export async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (timed out after ${ms} ms)`)), ms)
  })
  try {
    return await Promise.race([p, t])
  } finally {
    clearTimeout(timer)
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type Obj = Record<string, unknown>

function isPlainObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v)
}

/** Deep merge: objects merge key by key, everything else (arrays included) replaces. */
export function deepMerge<T extends Obj>(base: T, extra: Obj | undefined): T {
  if (!extra) return base
  const out: Obj = { ...base }
  for (const [k, v] of Object.entries(extra)) {
    const cur = out[k]
    out[k] = isPlainObject(cur) && isPlainObject(v) ? deepMerge(cur, v) : v
  }
  return out as T
}

function toPluginSpec(spec: string): string {
  if (isAbsolute(spec)) return pathToFileURL(spec).href
  return spec
}

async function rmrf(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined)
}

// Live process groups, killed on worker exit in case a test forgot stop().
const liveGroups = new Set<number>()
let exitHookInstalled = false
function trackGroup(pid: number): void {
  liveGroups.add(pid)
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once("exit", () => {
    for (const g of liveGroups) {
      try {
        process.kill(-g, "SIGKILL")
      } catch {
        // already gone
      }
    }
  })
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

/** SIGTERM the child's process group, wait up to `graceMs`, then SIGKILL. Resolves when the group is gone. */
export async function killTree(child: ChildProcess, graceMs = 3000): Promise<void> {
  const pid = child.pid
  if (!pid) return
  const exited = child.exitCode !== null || child.signalCode !== null
  if (!exited || groupAlive(pid)) {
    try {
      process.kill(-pid, "SIGTERM")
    } catch {
      // gone
    }
    const deadline = Date.now() + graceMs
    while (Date.now() < deadline && groupAlive(pid)) await sleep(50)
    if (groupAlive(pid)) {
      try {
        process.kill(-pid, "SIGKILL")
      } catch {
        // gone
      }
      const hard = Date.now() + 2000
      while (Date.now() < hard && groupAlive(pid)) await sleep(50)
    }
  }
  liveGroups.delete(pid)
}

// ───────────────────────────── seeded config dir ─────────────────────────────
//
// On start OpenCode runs `Npm.install($XDG_CONFIG_HOME/opencode, { add: ["@opencode-ai/plugin@1.18.33"] })`
// in the background, and plugin loading waits for it. Read from the 1.18.33 binary, that install is a
// no-op when (a) the directory is not writable, or (b) `node_modules/` exists AND every dependency named in
// `package.json` (+ "@opencode-ai/plugin") is listed in `package-lock.json` → `packages[""].dependencies`.
// Versions and node_modules contents are NOT checked. So the template is: package.json, a package-lock.json
// naming the dependency, and node_modules/@opencode-ai/plugin symlinked to the project's own copy
// ("link" mode, no network). "npm" mode (E2E_SEED=npm, or when the project lacks the package) really runs
// `npm install` from the registry into a cache dir under .tmp/ instead.

export type SeedMode = "link" | "npm"
let seedPromise: Promise<string> | undefined

const SEED_PACKAGE_JSON = { dependencies: { "@opencode-ai/plugin": OPENCODE_VERSION } }

function projectPluginVersion(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "node_modules/@opencode-ai/plugin/package.json"), "utf8"))
    return typeof pkg.version === "string" ? pkg.version : undefined
  } catch {
    return undefined
  }
}

function seedIsComplete(dir: string): boolean {
  try {
    const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"))
    const deps = lock?.packages?.[""]?.dependencies ?? {}
    return "@opencode-ai/plugin" in deps && existsSync(join(dir, "node_modules/@opencode-ai/plugin/package.json"))
  } catch {
    return false
  }
}

async function buildLinkSeed(dir: string): Promise<void> {
  await mkdir(join(dir, "node_modules/@opencode-ai"), { recursive: true })
  await writeFile(join(dir, "package.json"), JSON.stringify(SEED_PACKAGE_JSON, null, 2) + "\n")
  const lock = {
    name: "opencode",
    lockfileVersion: 3,
    requires: true,
    packages: { "": { dependencies: SEED_PACKAGE_JSON.dependencies } },
  }
  await writeFile(join(dir, "package-lock.json"), JSON.stringify(lock, null, 2) + "\n")
  await symlink(join(REPO_ROOT, "node_modules/@opencode-ai/plugin"), join(dir, "node_modules/@opencode-ai/plugin"), "dir")
}

async function buildNpmSeed(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, "package.json"), JSON.stringify(SEED_PACKAGE_JSON, null, 2) + "\n")
  await new Promise<void>((res, rej) => {
    const child = spawn(
      "npm",
      ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } },
    )
    let err = ""
    child.stderr?.on("data", (d) => (err += d))
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000)
    child.on("exit", (code) => {
      clearTimeout(timer)
      if (code === 0) res()
      else rej(new Error(`npm install of the seed failed (${code}): ${err.slice(-2000)}`))
    })
  })
}

/**
 * Prepares (once per run; cached on disk across runs) the template for `$XDG_CONFIG_HOME/opencode`
 * and returns its path. Safe to call from parallel workers (built in a temp dir, then renamed).
 */
export function seedConfigDir(opts: { mode?: SeedMode } = {}): Promise<string> {
  seedPromise ??= (async () => {
    const envMode = process.env.E2E_SEED === "npm" || process.env.E2E_SEED === "link" ? process.env.E2E_SEED : undefined
    const mode: SeedMode = opts.mode ?? envMode ?? (projectPluginVersion() ? "link" : "npm")
    const cacheRoot = join(REPO_ROOT, ".tmp/e2e-cache")
    const dir = join(cacheRoot, `opencode-config-${OPENCODE_VERSION}-${mode}`)
    if (seedIsComplete(dir)) return dir
    await mkdir(cacheRoot, { recursive: true })
    const work = await mkdtemp(join(cacheRoot, "seed-build-"))
    try {
      if (mode === "link") await buildLinkSeed(work)
      else await buildNpmSeed(work)
      if (!seedIsComplete(work)) throw new Error(`seed in ${work} is incomplete`)
      await rename(work, dir).catch(async (e: NodeJS.ErrnoException) => {
        // another worker won the race
        if (!seedIsComplete(dir)) throw e
        await rmrf(work)
      })
    } catch (e) {
      await rmrf(work)
      throw e
    }
    return dir
  })()
  seedPromise.catch(() => {
    seedPromise = undefined
  })
  return seedPromise
}

/** Copies the template into `<home>/.config/opencode`: top-level files copied, node_modules hard-linked (cp -al). */
async function installSeed(template: string, configDir: string): Promise<void> {
  await mkdir(configDir, { recursive: true })
  await copyFile(join(template, "package.json"), join(configDir, "package.json"))
  await copyFile(join(template, "package-lock.json"), join(configDir, "package-lock.json"))
  try {
    execFileSync("cp", ["-al", join(template, "node_modules"), join(configDir, "node_modules")], { stdio: "ignore" })
  } catch {
    await cp(join(template, "node_modules"), join(configDir, "node_modules"), { recursive: true, verbatimSymlinks: true })
  }
}

// ───────────────────────────── mock model ─────────────────────────────

export type MockToolCall = { name: string; args?: Record<string, unknown> | string; id?: string }
export type MockUsage = { prompt_tokens: number; completion_tokens: number; total_tokens?: number }

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
  return /title generator|generate a (short )?title|You are a title/i.test(sys)
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
            message: { role: "assistant", content: text || null, ...(toolCallObjs.length ? { tool_calls: toolCallObjs } : {}) },
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
  res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model, choices: [], usage })}\n\n`)
  res.end("data: [DONE]\n\n")
}

/** A loopback OpenAI-compatible model: POST /v1/chat/completions (SSE or JSON), GET /v1/models. */
export async function startMockModel(opts: MockModelOptions = {}): Promise<MockModel> {
  let script: MockScript = opts.script ?? []
  let cursor = 0
  const answerTitles = opts.answerTitles ?? true
  const requests: MockRequest[] = []
  const fallback: MockReply = opts.fallback ?? { text: "mock reply" }
  const models = opts.models ?? ["mock-model"]

  const pick = (req: MockRequest): MockReply => {
    if (req.isTitle && answerTitles) return { text: opts.titleText ?? "Mock title" }
    if (typeof script === "function") return script(req) ?? fallback
    const next = script[cursor]
    if (next) {
      cursor++
      return next
    }
    return fallback
  }

  const server: Server = createServer((req, res) => {
    let raw = ""
    req.setEncoding("utf8")
    req.on("data", (d: string) => (raw += d))
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] ?? "/"
      if (req.method === "GET" && path.endsWith("/models")) {
        res.writeHead(200, { "content-type": "application/json" })
        res.end(JSON.stringify({ object: "list", data: models.map((id) => ({ id, object: "model", owned_by: "mock" })) }))
        return
      }
      if (req.method === "POST" && path.endsWith("/chat/completions")) {
        let body: Obj = {}
        try {
          const parsed: unknown = JSON.parse(raw)
          if (isPlainObject(parsed)) body = parsed
        } catch {
          // keep {}
        }
        const r: MockRequest = {
          index: requests.length,
          method: req.method,
          path,
          headers: req.headers,
          body,
          model: typeof body.model === "string" ? body.model : undefined,
          stream: body.stream === true,
          isTitle: looksLikeTitleRequest(body),
          at: Date.now(),
        }
        requests.push(r)
        let reply: MockReply
        try {
          reply = pick(r)
        } catch (e) {
          reply = { status: 500, body: { error: { message: `mock script threw: ${String(e)}` } } }
        }
        const send = () => {
          if (!res.destroyed) writeReply(res, r, reply)
        }
        if (reply.delayMs) setTimeout(send, reply.delayMs)
        else send()
        return
      }
      res.writeHead(404, { "content-type": "application/json" })
      res.end(JSON.stringify({ error: { message: `mock: no route ${req.method} ${path}` } }))
    })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((res, rej) => {
    server.once("error", rej)
    server.listen(0, "127.0.0.1", () => res())
  })
  const port = (server.address() as AddressInfo).port

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
      script = s
      cursor = 0
    },
    reset() {
      requests.length = 0
      cursor = 0
    },
    async waitForCalls(n, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      while (requests.length < n) {
        if (Date.now() > deadline) throw new Error(`mock model: expected ${n} calls, got ${requests.length} after ${timeoutMs} ms`)
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

// ───────────────────────────── isolated trees + config ─────────────────────────────

export type PluginEntry = string | [string, Record<string, unknown>]

export type IsolationOptions = {
  /** Path (absolute → file:// URL) or package spec of the plugin under test. */
  pluginSpec?: string
  /** Options handed to `server(input, options)` (the second element of the plugin tuple). */
  pluginOptions?: Record<string, unknown>
  /** More plugin entries (appended after pluginSpec). */
  plugins?: PluginEntry[]
  /** Extra env for the binary (GLM_QUOTA_BASE_URL, GLM_QUOTA_NOW, ZAI_API_KEY, …). */
  env?: Record<string, string | undefined>
  /** Deep-merged into the generated opencode.json (arrays replace). */
  extraConfig?: Record<string, unknown>
  /** The mock model to point the "mock" provider at; one is started (and closed by stop()) when absent. */
  mock?: MockModel
  /** Options for the internally started mock when `mock` is absent. */
  mockOptions?: MockModelOptions
  /** Written to $XDG_DATA_HOME/opencode/auth.json (e.g. { "zai-coding-plan": { type: "api", key: "k" } }). */
  auth?: Record<string, unknown>
  /** Written to <project>/tui.json when given (read by the TUI only, e.g. { plugin: [[spec, opts]] }). */
  tuiConfig?: Record<string, unknown>
  /** Extra files to create, relative to the project dir. */
  files?: Record<string, string>
}

export type Isolated = {
  root: string
  home: string
  dir: string // project dir (cwd of the binary)
  configDir: string // $XDG_CONFIG_HOME/opencode
  dataDir: string // $XDG_DATA_HOME/opencode
  env: Record<string, string>
  config: Obj
  mock: MockModel
  ownsMock: boolean
}

export function mockProviderConfig(mockUrl: string, models: string[] = ["mock-model"]): Obj {
  const m: Obj = {}
  for (const id of models) m[id] = { name: id, tool_call: true, limit: { context: 100000, output: 4096 } }
  return { npm: "@ai-sdk/openai-compatible", name: "Mock", options: { baseURL: mockUrl, apiKey: "dummy" }, models: m }
}

export function buildConfig(mockUrl: string, o: IsolationOptions): Obj {
  const plugins: PluginEntry[] = []
  if (o.pluginSpec) plugins.push([toPluginSpec(o.pluginSpec), o.pluginOptions ?? {}])
  for (const p of o.plugins ?? []) plugins.push(typeof p === "string" ? toPluginSpec(p) : [toPluginSpec(p[0]), p[1]])
  const base: Obj = {
    $schema: "https://opencode.ai/config.json",
    autoupdate: false,
    share: "disabled",
    model: "mock/mock-model",
    small_model: "mock/mock-model",
    provider: { mock: mockProviderConfig(mockUrl) },
    plugin: plugins,
  }
  return deepMerge(base, o.extraConfig)
}

function isolatedEnv(root: string, home: string, extra: Record<string, string | undefined> | undefined): Record<string, string> {
  const env: Record<string, string> = {}
  for (const k of PASS_THROUGH) {
    const v = process.env[k]
    if (v !== undefined) env[k] = v
  }
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local/share"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_STATE_HOME: join(home, ".local/state"),
    TMPDIR: join(root, "tmp"),
    NO_PROXY: "127.0.0.1,localhost",
    ...OFFLINE_ENV,
  })
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return env
}

/** Builds an isolated HOME/XDG tree + project dir with opencode.json. Caller removes `root`. */
export async function makeIsolated(o: IsolationOptions): Promise<Isolated> {
  const template = await seedConfigDir()
  const root = await mkdtemp(join(tmpdir(), "glm-quota-e2e-"))
  const home = join(root, "home")
  const dir = join(root, "project")
  const configDir = join(home, ".config/opencode")
  const dataDir = join(home, ".local/share/opencode")
  for (const d of [dir, dataDir, join(home, ".cache"), join(home, ".local/state"), join(root, "tmp")]) {
    await mkdir(d, { recursive: true })
  }
  await installSeed(template, configDir)
  const ownsMock = !o.mock
  const mock = o.mock ?? (await startMockModel(o.mockOptions))
  const config = buildConfig(mock.url, o)
  await writeFile(join(dir, "opencode.json"), JSON.stringify(config, null, 2) + "\n")
  if (o.auth) await writeFile(join(dataDir, "auth.json"), JSON.stringify(o.auth, null, 2) + "\n", { mode: 0o600 })
  if (o.tuiConfig) {
    const tui: Obj = { ...o.tuiConfig }
    if (Array.isArray(tui.plugin)) {
      tui.plugin = (tui.plugin as PluginEntry[]).map((p) => (typeof p === "string" ? toPluginSpec(p) : [toPluginSpec(p[0]), p[1]]))
    }
    await writeFile(join(dir, "tui.json"), JSON.stringify(tui, null, 2) + "\n")
  }
  for (const [rel, content] of Object.entries(o.files ?? {})) {
    const p = join(dir, rel)
    await mkdir(dirname(p), { recursive: true })
    await writeFile(p, content)
  }
  if (KEEP) process.stderr.write(`[e2e] isolated tree kept at ${root}\n`)
  return { root, home, dir, configDir, dataDir, env: isolatedEnv(root, home, o.env), config, mock, ownsMock }
}

async function disposeIsolated(iso: Isolated): Promise<void> {
  if (iso.ownsMock) await iso.mock.close().catch(() => undefined)
  if (!KEEP) await rmrf(iso.root)
}

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
      return log.waitFor((e) => e.type === type && (!pred || pred(e as Extract<Event, { type: T }>)), timeoutMs, since) as Promise<
        Extract<Event, { type: T }>
      >
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

/** Starts `opencode serve` for an isolated project; resolves once plugins are loaded and the event stream is connected. */
export async function startOpencode(o: StartOptions = {}): Promise<OpencodeServer> {
  const t0 = Date.now()
  const startTimeout = o.startTimeoutMs ?? 60_000
  const requestTimeout = o.requestTimeoutMs ?? 30_000
  const iso = await makeIsolated(o)
  let out = ""
  const args = ["serve", "--port", "0", "--hostname", "127.0.0.1", "--print-logs", "--log-level", o.logLevel ?? "INFO"]
  const child = spawn(OPENCODE_BIN, args, { cwd: iso.dir, env: iso.env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  if (child.pid) trackGroup(child.pid)
  child.stdout?.setEncoding("utf8")
  child.stderr?.setEncoding("utf8")
  child.stdout?.on("data", (d: string) => (out += d))
  child.stderr?.on("data", (d: string) => (out += d))

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
    const url = await withTimeout(
      new Promise<string>((res, rej) => {
        const onData = () => {
          const m = /opencode server listening on (http:\/\/[^\s]+)/.exec(out)
          if (m?.[1]) {
            child.stdout?.off("data", onData)
            child.stderr?.off("data", onData)
            res(m[1].replace(/\/$/, ""))
          }
        }
        child.stdout?.on("data", onData)
        child.stderr?.on("data", onData)
        child.once("exit", (code, sig) => rej(new Error(`opencode serve exited early (${code ?? sig}):\n${out.slice(-4000)}`)))
        child.once("error", rej)
      }),
      startTimeout,
      "opencode serve did not start listening",
    )
    const tListen = Date.now()
    timings.spawnToListenMs = tListen - tSpawn

    const withDir = (path: string) => {
      const u = new URL(path, url + "/")
      if (!u.searchParams.has("directory")) u.searchParams.set("directory", iso.dir)
      return u
    }
    const rawFetch = (path: string, init: RequestInit & { timeoutMs?: number } = {}) => {
      const { timeoutMs, ...rest } = init
      return fetch(withDir(path), { ...rest, signal: AbortSignal.timeout(timeoutMs ?? requestTimeout) })
    }

    // Ready = the instance for `dir` is bootstrapped (config + plugins loaded): GET /command answers 200.
    const deadline = t0 + startTimeout
    for (;;) {
      if (child.exitCode !== null) throw new Error(`opencode serve exited (${child.exitCode}):\n${out.slice(-4000)}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`opencode serve not ready within ${startTimeout} ms:\n${out.slice(-4000)}`)
      const r = await rawFetch("/command", { timeoutMs: Math.min(left, 20_000) }).catch(() => undefined)
      if (r?.ok) {
        await r.arrayBuffer()
        break
      }
      if (r && r.status >= 400 && r.status < 500) {
        throw new Error(`opencode serve: GET /command → ${r.status}: ${(await r.text()).slice(0, 2000)}`)
      }
      await sleep(100)
    }

    const client = createOpencodeClient({ baseUrl: url, directory: iso.dir, fetch: timedFetch(requestTimeout) })
    const eventClient = createOpencodeClient({ baseUrl: url, directory: iso.dir })
    const connected = new Promise<void>((res) => {
      void (async () => {
        try {
          const sub = await eventClient.event.subscribe({ signal: sse.signal, sseMaxRetryAttempts: 5, sseDefaultRetryDelay: 200 })
          for await (const e of sub.stream) {
            const ev = e as BusEvent
            if (ev.type === "server.connected") res()
            events.push(ev)
            if (stopped) break
          }
        } catch {
          // aborted or server gone
        }
      })()
    })
    await withTimeout(connected, Math.max(5_000, deadline - Date.now()), "event stream did not connect")
    timings.listenToReadyMs = Date.now() - tListen
    timings.totalStartMs = Date.now() - t0

    const server: OpencodeServer = {
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
      logs: () => out,
      timings,
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
      stop,
    }
    return server
  } catch (e) {
    await stop()
    throw e
  }
}

// ───────────────────────────── opencode run ─────────────────────────────

export type RunOptions = IsolationOptions & { timeoutMs?: number; logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR"; printLogs?: boolean }

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
  const child = spawn(OPENCODE_BIN, fullArgs, { cwd: iso.dir, env: iso.env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  if (child.pid) trackGroup(child.pid)
  child.stdout?.setEncoding("utf8")
  child.stderr?.setEncoding("utf8")
  child.stdout?.on("data", (d: string) => (stdout += d))
  child.stderr?.on("data", (d: string) => (stderr += d))
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
    return { ...result, timedOut, stdout, stderr, durationMs: Date.now() - t0, mock: iso.mock, dir: iso.dir, home: iso.home }
  } finally {
    await disposeIsolated(iso)
  }
}

/** True when the path exists. */
export async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  )
}

export type { Json }
