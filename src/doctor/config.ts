// Check 4, OpenCode's config: the providers on Z.ai / BigModel hosts and their baseURL, the configured models against
// the provider's list, and glm-quota in both opencode.json's and tui.json's `plugin`.
import { bareId, classOf, MODEL_CATALOG } from "../core/plans/model-catalog.ts"
import { CODING_PLAN_PROVIDERS, isZaiUrl, providerOf } from "../core/plans/providers.ts"
import type { Env, Region } from "../core/types.ts"
import { parseModels } from "../core/plans/choose-model.ts"
import { mergeOpenCode, shown, type OpenCodeConfigs } from "./config-read.ts"
import type { ModelList } from "./opencode-models.ts"
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

export type ListFor = (provider: string, region: Region | null) => Promise<ModelList>

export async function checkModels(cfg: OpenCodeConfigs, listFor: ListFor): Promise<Check[]> {
  const m = mergeOpenCode(cfg.opencode)
  const zai = new Set([...zaiProviders(m), ...Object.keys(CODING_PLAN_PROVIDERS)])
  const problems: { found: string; fix: string }[] = []
  const seen: string[] = []
  const sources = new Set<string>()
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
    sources.add(`${list.who} (${list.how})`)
    if ([...own, ...list.ids].some((x) => bareId(x) === bareId(id))) continue
    const use = suggestion(id, list.ids)
    const full = `${shown(provider, 64)}/${shown(id, 64)}`
    problems.push({
      found: `${field} ${full} is not offered by ${list.who} (${list.how})`,
      fix: use === null ? `pick a model ${list.who} lists` : `use ${shown(provider, 64)}/${shown(use, 64)}`,
    })
  }
  if (problems.length > 0)
    return [warn("models", problems.map((p) => p.found).join("; "), problems.map((p) => p.fix).join("; "))]
  if (seen.length === 0) return [ok("models", "no model / small_model on a Coding Plan provider is configured")]
  return [ok("models", `${seen.join(", ")}: offered by ${[...sources].join(" and ")}`)]
}

/** GLM_QUOTA_MODELS as the report reads it: a value the report refuses is a ✗ here too (the report exits 1). */
export function checkModelsEnv(env: Env): Check[] {
  const raw = env.GLM_QUOTA_MODELS
  if (raw === undefined || raw.trim() === "") return []
  let input: unknown
  try {
    input = JSON.parse(raw)
  } catch {
    input = undefined
  }
  const fix = 'set it like {"heavy":"glm-5.3","light":"glm-4.7"}, or unset it'
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return [fail("models", "GLM_QUOTA_MODELS is not a JSON object, so every report stops", fix)]
  const problems = parseModels(input as Record<string, unknown>).problems.map((p) => shown(p, 80))
  if (problems.length === 0) return [ok("models", "GLM_QUOTA_MODELS is usable")]
  const named = problems.slice(0, 5).join(", ") + (problems.length > 5 ? ` and ${problems.length - 5} more` : "")
  return [fail("models", `GLM_QUOTA_MODELS is not usable (${named}), so every report stops`, fix)]
}
