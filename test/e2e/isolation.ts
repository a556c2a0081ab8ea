// Isolation for the e2e tests: every run of the real `opencode` binary gets its own HOME / XDG tree and project dir
// (with a generated opencode.json pointing the "mock" provider at a loopback mock model), a pre-seeded config dir,
// an env with the host's variables dropped and everything that reaches out switched off, and its own process group.
//
// Set E2E_KEEP=1 to keep the temp trees (their paths are printed) for debugging.

import { spawn, execFileSync, type ChildProcess } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { cp, mkdir, mkdtemp, rename, rm, symlink, writeFile, copyFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, isAbsolute } from "node:path"
import { pathToFileURL } from "node:url"
import { startMockModel, type MockModel, type MockModelOptions } from "./mock-model.ts"
import { deepMerge, REPO_ROOT, sleep, type Obj } from "./util.ts"

export const OPENCODE_VERSION = "1.18.33"

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

function toPluginSpec(spec: string): string {
  if (isAbsolute(spec)) return pathToFileURL(spec).href
  return spec
}

async function rmrf(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined)
}

// ───────────────────────────── process groups ─────────────────────────────

// Live process groups, killed on worker exit in case a test forgot stop().
const liveGroups = new Set<number>()
let exitHookInstalled = false
export function trackGroup(pid: number): void {
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
  await symlink(
    join(REPO_ROOT, "node_modules/@opencode-ai/plugin"),
    join(dir, "node_modules/@opencode-ai/plugin"),
    "dir",
  )
}

async function buildNpmSeed(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, "package.json"), JSON.stringify(SEED_PACKAGE_JSON, null, 2) + "\n")
  await new Promise<void>((res, rej) => {
    const child = spawn("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, npm_config_update_notifier: "false" },
    })
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
    await cp(join(template, "node_modules"), join(configDir, "node_modules"), {
      recursive: true,
      verbatimSymlinks: true,
    })
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

function isolatedEnv(
  root: string,
  home: string,
  extra: Record<string, string | undefined> | undefined,
): Record<string, string> {
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
      tui.plugin = (tui.plugin as PluginEntry[]).map((p) =>
        typeof p === "string" ? toPluginSpec(p) : [toPluginSpec(p[0]), p[1]],
      )
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

/** Closes an owned mock and removes the temp tree (unless E2E_KEEP=1). */
export async function disposeIsolated(iso: Isolated): Promise<void> {
  if (iso.ownsMock) await iso.mock.close().catch(() => undefined)
  if (!KEEP) await rmrf(iso.root)
}
