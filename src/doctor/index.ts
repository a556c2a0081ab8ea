// The set-up doctor: every check of what stands between a user and a working Coding Plan, in order, each one a line
// (✓ / ⚠ / ✗) and what to do. Shared by the CLI (`glm-quota doctor`) and OpenCode; env, fetch, the clock and file
// access are parameters. Never throws: a check that fails unexpectedly is a ⚠ line.
import { homedir } from "node:os"
import { join } from "node:path"
import { MODEL_CATALOG } from "../core/plans/model-catalog.ts"
import { displayWidth } from "../core/text/width.ts"
import { wrapSpans } from "../core/text/wrap.ts"
import { redact } from "../zai/errors.ts"
import { modelList } from "../zai/models.ts"
import type { Credentials } from "../zai/credentials.ts"
import { checkModels, checkModelsEnv, checkProviders, type ListFor } from "./config.ts"
import { checkPlugin } from "./plugin.ts"
import { configDirs, readConfigs } from "./config-read.ts"
import { checkFiles } from "./files.ts"
import { nodeFs, type DoctorFs } from "./file-access.ts"
import { checkKey, type KeyFinding } from "./key.ts"
import { findOpenCodeInstalls, installCheck } from "./opencode-install.ts"
import { openCodeModels } from "./opencode-models.ts"
import { checkClock, checkNetwork } from "./net.ts"
import { checkRegion, checkSubscription, originsFor, type RegionFinding } from "./remote.ts"
import { guarded, warn, type Check, type DoctorOptions, type OpenCodeInstall } from "./types.ts"

export type { Check, CheckStatus, DoctorOptions } from "./types.ts"

const CATALOG_IDS = MODEL_CATALOG.models.map((m) => m.id)

/** Where OpenCode 2 loads plugin directories by itself: <global config>/plugins/ and <project>/.opencode/plugins/. */
const pluginDirs = (env: DoctorOptions["env"], home: string, cwd: string): string[] =>
  configDirs(env, home, cwd)
    .filter((d) => d.where !== "project")
    .map((d) => join(d.dir, "plugins"))

/** The quota probes: skipped (⚠ each) without a key. */
async function remoteChecks(opts: DoctorOptions, creds: Credentials | null, into: { region: RegionFinding | null }) {
  if (creds === null) {
    const skipped = "fix the key line first"
    return ["region", "subscription", "clock", "network"].map((id) =>
      warn(id, `${id}: not checked without a key`, skipped),
    )
  }
  const r = await checkRegion(creds, originsFor(opts.env, opts.origins), opts.fetch, opts.timeoutMs, opts.context)
  into.region = r
  return [
    ...r.checks,
    ...checkSubscription(r.used),
    ...checkClock(r.probes, opts.now(), opts.env),
    ...checkNetwork(r.used, opts.env),
  ]
}

/** The list a model id is checked against: the user's OpenCode's, else (a provider of their own) the key's. */
function modelLists(
  opts: DoctorOptions,
  fs: DoctorFs,
  install: OpenCodeInstall | null,
  creds: Credentials | null,
  region: () => RegionFinding | null,
): ListFor {
  return async (provider, providerRegion) => {
    const own = openCodeModels(provider, { env: opts.env, home: opts.home, fs, install, server: opts.serverModels })
    if (own !== null) return own
    const r = region()
    const usable =
      creds !== null && r !== null && r.used.result.ok && (providerRegion ?? r.used.region) === r.used.region
    const dated = { ids: CATALOG_IDS, who: provider, how: "the dated catalog" }
    if (!usable) return dated
    const list = await modelList({
      key: creds.key,
      region: r.used.region,
      origin: r.used.origin,
      fetch: opts.fetch,
      env: opts.env,
      now: opts.now,
      fileCache: false,
    })
    return list.ids === null ? dated : { ids: list.ids, who: provider, how: "the coding endpoint's list" }
  }
}

export async function runDoctor(opts: DoctorOptions): Promise<Check[]> {
  const fs = opts.fs ?? nodeFs
  let key: KeyFinding | null = null
  const keyChecks = await guarded("key", () => {
    key = checkKey(opts.env, opts.home, fs, opts.region ?? null, opts.context)
    return key.check
  })
  const creds = (key as KeyFinding | null)?.credentials ?? null
  const found: { region: RegionFinding | null } = { region: null }
  const remote = await guarded("region", () => remoteChecks(opts, creds, found))
  let installs: OpenCodeInstall[] = []
  const openCode = await guarded("opencode", () => {
    installs = (opts.openCodeInstalls ?? findOpenCodeInstalls)(opts.env)
    return [installCheck(installs)]
  })
  const install = installs[0] ?? null
  const config = await guarded("config", async () => {
    const cfg = readConfigs(opts.env, opts.home, opts.cwd, fs)
    const lists = modelLists(opts, fs, install, creds, () => found.region)
    return [
      ...checkProviders(cfg),
      ...(await checkModels(cfg, lists)),
      ...checkModelsEnv(opts.env),
      ...checkPlugin(cfg, installs, fs, opts.home, pluginDirs(opts.env, opts.home, opts.cwd)),
    ]
  })
  const files = await guarded("files", () => checkFiles(opts.env, opts.home, fs, opts.now))
  const all = [...keyChecks, ...remote, ...openCode, ...config, ...files]
  // Belt and braces: whatever a check wrote, the key is not in it.
  const secret = creds?.key
  return all.map((c) => ({ ...c, found: redact(c.found, secret), fix: redact(c.fix, secret) }))
}

const SYMBOLS = { ok: "✓", warn: "⚠", fail: "✗" } as const

/** `text` wrapped with a hanging indent; a quoted server message that fits a line is never split. */
function wrapped(text: string, first: string, indent: string, width: number): string {
  if (!Number.isFinite(width)) return `${first}${text}`
  const spans = text
    .split(/("[^"]*")/)
    .filter((t) => t !== "")
    .map((t) => ({ text: t, style: null, keep: /^".*"$/.test(t) && displayWidth(t) <= width - indent.length }))
  return wrapSpans(spans, width, { firstIndent: first, indent })
    .map((line) => line.map((sp) => sp.text).join(""))
    .join("\n")
}

/**
 * The checks as lines: `✓  found`, and for ⚠ / ✗ an indented `→ fix`; with a width (the CLI: 80 columns), each
 * wrapped to it with hanging indents. Without one, one line each (a dialog that wraps for itself).
 */
export function renderChecks(checks: readonly Check[], width = Number.POSITIVE_INFINITY): string {
  return checks
    .map((c) => {
      const found = wrapped(c.found, `${SYMBOLS[c.status]}  `, "   ", width)
      const fix = c.status === "ok" || c.fix === "" ? "" : `\n${wrapped(c.fix, "   → ", "     ", width)}`
      return `${found}${fix}\n`
    })
    .join("")
}

export function renderChecksJson(checks: readonly Check[]): string {
  return `${JSON.stringify({ schema: 1, checks }, null, 2)}\n`
}

/** 0 when nothing failed, 1 otherwise. */
export const doctorExitCode = (checks: readonly Check[]): number => (checks.some((c) => c.status === "fail") ? 1 : 0)

/** The doctor as a plugin half runs it: the options' region and origin, OpenCode's directory, advice for OpenCode. */
export function runPluginDoctor(d: {
  env: DoctorOptions["env"]
  fetch: DoctorOptions["fetch"]
  now: () => Date
  cwd: string
  settings: { region: DoctorOptions["region"]; baseUrl: string | null }
  /** The running server's model ids of a provider, when the half has them (checked before any other list). */
  serverModels?: DoctorOptions["serverModels"]
}): Promise<Check[]> {
  const base = d.settings.baseUrl
  return runDoctor({
    // Inside OpenCode no process is started (a --version would block the host): the installs' packages say it.
    openCodeInstalls: (env) => findOpenCodeInstalls(env, { ask: false }),
    serverModels: d.serverModels,
    env: d.env,
    fetch: d.fetch,
    now: d.now,
    cwd: d.cwd,
    home: d.env.HOME?.trim() || homedir(),
    region: d.settings.region,
    context: "opencode",
    ...(base === null ? {} : { origins: { international: base, china: base } }),
  })
}
