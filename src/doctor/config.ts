// Check 4, OpenCode's config: the providers on Z.ai / BigModel hosts and their baseURL, the configured models against
// the provider's list, and glm-quota in both opencode.json's and tui.json's `plugin`.
import { bareId, classOf, MODEL_CATALOG } from "../core/catalog.ts"
import { CODING_PLAN_PROVIDERS, isZaiUrl, providerOf } from "../core/providers.ts"
import type { Region } from "../core/types.ts"
import { parseOptions } from "../quota/server-options.ts"
import { parseTuiOptions } from "../quota/tui-options.ts"
import { mergeOpenCode, pluginEntries, shown, type OpenCodeConfigs } from "./config-read.ts"
import { fail, ok, warn, type Check } from "./types.ts"

const CODING_PATHS = ["/api/coding/paas/v4", "/api/anthropic"]
const PAYG_PATH = "/api/paas/v4"

type Merged = ReturnType<typeof mergeOpenCode>

/** The providers that are the Coding Plan's: a coding-plan id, or a baseURL on a Z.ai / BigModel host. */
export function zaiProviders(m: Merged): string[] {
  return Object.entries(m.provider)
    .filter(([id, p]) => id in CODING_PLAN_PROVIDERS || isZaiUrl((p.options as { baseURL?: unknown })?.baseURL))
    .map(([id]) => id)
}

export function regionOfProvider(m: Merged, id: string): Region | null {
  if (id in CODING_PLAN_PROVIDERS) return CODING_PLAN_PROVIDERS[id]!
  const url = shown((m.provider[id]?.options as { baseURL?: unknown })?.baseURL, 300)
  return /bigmodel\.cn/i.test(url) ? "china" : /z\.ai/i.test(url) ? "international" : null
}

export function checkProviders(cfg: OpenCodeConfigs): Check[] {
  const checks = cfg.problems.map((p) =>
    warn("config", `${p}: skipped`, "fix the file (JSON with // comments at most)"),
  )
  const m = mergeOpenCode(cfg.opencode)
  const ids = zaiProviders(m)
  if (ids.length === 0) {
    const found = "no provider in opencode.json points at Z.ai / BigModel (the built-in zai-coding-plan needs none)"
    return [...checks, ok("config", found)]
  }
  const bad: string[] = []
  const odd: string[] = []
  for (const id of ids) {
    const raw = (m.provider[id]!.options as { baseURL?: unknown } | undefined)?.baseURL
    if (raw === undefined) continue
    const url = shown(raw, 300)
    let path = ""
    try {
      path = new URL(url).pathname.replace(/\/+$/, "")
    } catch {
      odd.push(`${shown(id, 64)} (baseURL is not a URL)`)
      continue
    }
    if (CODING_PATHS.some((c) => path.startsWith(c))) continue
    if (path.startsWith(PAYG_PATH)) bad.push(shown(id, 64))
    else odd.push(`${shown(id, 64)} (${shown(path, 60) || "/"})`)
  }
  const list = ids.map((id) => shown(id, 64)).join(", ")
  if (bad.length > 0) {
    const host = bad.every((id) => regionOfProvider(m, id) === "china") ? "open.bigmodel.cn" : "api.z.ai"
    const fix = `use https://${host}/api/coding/paas/v4 (error 1113 'insufficient balance' otherwise)`
    checks.push(fail("config", `provider ${bad.join(", ")} uses the pay-as-you-go path ${PAYG_PATH}`, fix))
  } else if (odd.length > 0)
    checks.push(
      warn(
        "config",
        `provider ${odd.join(", ")} not on the coding endpoint`,
        "use https://api.z.ai/api/coding/paas/v4",
      ),
    )
  else checks.push(ok("config", `Coding Plan providers in opencode.json: ${list}, on the coding endpoint`))
  return checks
}

/** The id to suggest for one that is not offered: the best-ranked listed id of the same class, else the first. */
function suggestion(id: string, list: readonly string[]): string | null {
  const cls = classOf(id)
  const rank = (x: string) => MODEL_CATALOG.models.find((m) => m.id === bareId(x))?.rank ?? -1
  const same = list.filter((x) => classOf(x) === cls && !/vision|-v$/i.test(x))
  const pool = same.length > 0 ? same : list
  return [...pool].sort((a, b) => rank(b) - rank(a))[0] ?? null
}

export type ListFor = (provider: string, region: Region | null) => Promise<{ ids: string[]; from: string }>

export async function checkModels(cfg: OpenCodeConfigs, listFor: ListFor): Promise<Check[]> {
  const m = mergeOpenCode(cfg.opencode)
  const zai = new Set([...zaiProviders(m), ...Object.keys(CODING_PLAN_PROVIDERS)])
  const problems: { found: string; fix: string }[] = []
  const seen: string[] = []
  for (const [field, value] of [
    ["model", m.model],
    ["small_model", m.smallModel],
  ] as const) {
    const provider = providerOf(value)
    if (provider === null || !zai.has(provider)) continue
    const id = shown(value, 128).slice(provider.length + 1)
    const own = Object.keys((m.provider[provider]?.models as object | undefined) ?? {})
    const list = await listFor(provider, regionOfProvider(m, provider))
    seen.push(`${field} ${shown(value, 128)}`)
    if ([...own, ...list.ids].some((x) => bareId(x) === bareId(id))) continue
    const use = suggestion(id, list.ids)
    problems.push({
      found: `${field}: ${shown(id, 64)} is not offered by ${shown(provider, 64)} (${list.from})`,
      fix: use === null ? "pick a model the provider lists" : `${shown(id, 64)} is not offered: use ${shown(use, 64)}`,
    })
  }
  if (problems.length > 0)
    return [warn("models", problems.map((p) => p.found).join("; "), problems.map((p) => p.fix).join("; "))]
  if (seen.length === 0) return [ok("models", "no model / small_model on a Coding Plan provider is configured")]
  return [ok("models", `${seen.join(", ")}: offered`)]
}

/** "glm-quota@0.1.0" → "0.1.0", "glm-quota" → "latest", a path or URL → itself. */
const versionOf = (entry: string): string => {
  const at = /^glm-quota@(.+)$/.exec(entry)
  return at ? at[1]! : entry === "glm-quota" ? "latest" : entry
}
const isOurs = (entry: string): boolean => /(^|[/\\@])glm-quota(@|$|[/\\])/.test(entry) || entry === "glm-quota"

type Entry = ReturnType<typeof pluginEntries>[number]

/** At most this many invalid options are named per file; the rest are counted. */
const MAX_NAMED = 5

/**
 * One ⚠ per file whose glm-quota entry has options its half cannot use, named as the half names them when it starts
 * (the same table: `quota/server-options.ts` for opencode.json, `quota/tui-options.ts` for tui.json).
 */
function optionChecks(entries: readonly Entry[], problemsOf: (options: unknown) => string[]): Check[] {
  return entries.flatMap((e) => {
    if (e.options === undefined) return []
    const problems = problemsOf(e.options).map((p) => shown(p, 80))
    if (problems.length === 0) return []
    const more = problems.length - MAX_NAMED
    const named = problems.slice(0, MAX_NAMED).join(", ") + (more > 0 ? ` and ${more} more` : "")
    const found = `glm-quota options in ${e.label} not used, defaults in their place: ${named}`
    const fix = `correct them in the ["glm-quota", { … }] entry of ${e.label} (README: "Options")`
    return [warn("plugin", found, fix)]
  })
}

export function checkPlugin(cfg: OpenCodeConfigs): Check[] {
  const server = cfg.opencode.flatMap(pluginEntries).filter((p) => isOurs(p.entry))
  const tui = cfg.tui.flatMap(pluginEntries).filter((p) => isOurs(p.entry))
  return [
    ...listChecks(server, tui),
    ...optionChecks(server, (o) => parseOptions(o).problems),
    ...optionChecks(tui, (o) => parseTuiOptions(o).problems),
  ]
}

function listChecks(server: readonly Entry[], tui: readonly Entry[]): Check[] {
  const fixBoth = 'add "glm-quota" to the plugin list of both opencode.json and tui.json'
  if (server.length === 0 && tui.length === 0)
    return [ok("plugin", "glm-quota is not in OpenCode's plugin lists (the CLI works without it)")]
  if (tui.length === 0)
    return [warn("plugin", "glm-quota is in opencode.json's plugin list but not in tui.json's", fixBoth)]
  if (server.length === 0)
    return [warn("plugin", "glm-quota is in tui.json's plugin list but not in opencode.json's", fixBoth)]
  const versions = new Set([...server, ...tui].map((p) => versionOf(p.entry)))
  const named = [...versions].map((v) => shown(v, 80)).join(" and ")
  if (versions.size > 1)
    return [
      warn(
        "plugin",
        `opencode.json and tui.json name different glm-quota: ${named}`,
        "use the same version or path in both",
      ),
    ]
  return [ok("plugin", `glm-quota in opencode.json and tui.json (${named})`)]
}
