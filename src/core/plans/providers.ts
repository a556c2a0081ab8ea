// OpenCode's providers as glm-quota sees them: which are the Coding Plan's, and the model ids each lists. Pure.
import { cleanText, MAX_NAME } from "../text/sanitize.ts"
import type { Region } from "../types.ts"

/** OpenCode's coding-plan provider ids, by region (its catalog ships both). */
export const CODING_PLAN_PROVIDERS: Readonly<Record<string, Region>> = {
  "zai-coding-plan": "international",
  "zhipuai-coding-plan": "china",
}
export const CODING_PLAN_IDS = Object.keys(CODING_PLAN_PROVIDERS)

const ZAI_HOST = /(^|\.)(z\.ai|bigmodel\.cn)$/i

/** Whether a URL's host is Z.ai's or BigModel's. */
export function isZaiUrl(url: unknown): boolean {
  if (typeof url !== "string") return false
  try {
    return ZAI_HOST.test(new URL(url).hostname)
  } catch {
    return false
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)

/** Provider ids from the config whose baseURL points at Z.ai or BigModel. */
export function zaiProvidersOf(cfg: unknown): string[] {
  const providers = isRecord(cfg) ? cfg.provider : undefined
  if (!isRecord(providers)) return []
  return Object.entries(providers).flatMap(([id, p]) =>
    isRecord(p) && isRecord(p.options) && isZaiUrl(p.options.baseURL) ? [id] : [],
  )
}

/** At most this many ids are kept per provider: a list is a few dozen at most. */
const MAX_IDS = 200

/**
 * The model ids of each Coding Plan provider in OpenCode's provider list (`GET /config/providers`' `providers`, or the
 * TUI's `state.provider`): coding-plan ids, and any provider on a Z.ai or BigModel host. Ids are untrusted text:
 * cleaned and capped. Anything unreadable is skipped, never thrown.
 */
export function providerModelLists(providers: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  if (!Array.isArray(providers)) return out
  for (const p of providers) {
    if (!isRecord(p) || typeof p.id !== "string") continue
    const options = isRecord(p.options) ? p.options : {}
    if (!(p.id in CODING_PLAN_PROVIDERS) && !isZaiUrl(options.baseURL) && !isZaiUrl(p.api)) continue
    const models = isRecord(p.models) ? Object.keys(p.models) : []
    const ids = [...new Set(models.map((m) => cleanText(m, MAX_NAME)).filter((m) => m !== ""))].slice(0, MAX_IDS)
    out[cleanText(p.id, MAX_NAME)] = ids
  }
  return out
}

/**
 * The same lists from OpenCode 2's model list (`ctx.model.list`, `GET /api/model`: one entry per model, with
 * `providerID`, `id`, `status`, `enabled` and the provider's `settings.baseURL`): active, enabled models only.
 */
export function modelListsOf(models: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  if (!Array.isArray(models)) return out
  for (const m of models) {
    if (!isRecord(m) || typeof m.providerID !== "string" || typeof m.id !== "string") continue
    if (m.enabled === false || (m.status !== undefined && m.status !== "active")) continue
    const settings = isRecord(m.settings) ? m.settings : {}
    if (!(m.providerID in CODING_PLAN_PROVIDERS) && !isZaiUrl(settings.baseURL)) continue
    const provider = cleanText(m.providerID, MAX_NAME)
    const id = cleanText(m.id, MAX_NAME)
    const ids = (out[provider] ??= [])
    if (id !== "" && !ids.includes(id) && ids.length < MAX_IDS) ids.push(id)
  }
  return out
}

/**
 * The list to recommend from: the provider the user's model is on when it is a Coding Plan one, else the coding-plan
 * provider of the key's region, else the only one there is; null when none is known.
 */
export function pickModelList(
  lists: Readonly<Record<string, readonly string[]>>,
  modelProvider: string | null,
  region: Region | null,
): { provider: string; ids: readonly string[] } | null {
  if (modelProvider !== null && lists[modelProvider] !== undefined)
    return { provider: modelProvider, ids: lists[modelProvider]! }
  const byRegion = Object.keys(CODING_PLAN_PROVIDERS).find(
    (id) => CODING_PLAN_PROVIDERS[id] === region && lists[id] !== undefined,
  )
  if (byRegion !== undefined) return { provider: byRegion, ids: lists[byRegion]! }
  const ids = Object.keys(lists)
  return ids.length === 1 ? { provider: ids[0]!, ids: lists[ids[0]!]! } : null
}

/** "zai-coding-plan/glm-5.3" → "zai-coding-plan"; null without a provider part. */
export function providerOf(model: unknown): string | null {
  if (typeof model !== "string") return null
  const slash = model.indexOf("/")
  return slash > 0 ? model.slice(0, slash) : null
}
