// The model ids the user's OpenCode really offers for a provider, and where that list came from: the running server's
// list (given by the plugin half that asks), else OpenCode 1.x's models cache ($XDG_CACHE_HOME/opencode/models.json,
// or OPENCODE_MODELS_PATH; verified in the 1.18.33 binary), else the catalog the installed version ships
// (opencode-catalogs.ts). null when none of them knows the provider (a provider of the user's own).
import { join } from "node:path"
import { cleanText, MAX_NAME } from "../core/text/sanitize.ts"
import type { Env } from "../core/types.ts"
import { isRecord } from "./config-read.ts"
import type { DoctorFs } from "./file-access.ts"
import { shippedCatalog, SHIPPED_CATALOGS } from "./opencode-catalogs.ts"
import type { OpenCodeInstall } from "./types.ts"

export interface ModelList {
  ids: string[]
  /** Who offers the list: "OpenCode 1.18.33", "the running OpenCode", "zai-coding-plan". */
  who: string
  /** Where it was read: "its models cache", "its built-in catalog", "the coding endpoint's list". */
  how: string
}

/** models.dev's catalog runs to a few MB. */
const MAX_CACHE_BYTES = 32 * 1024 * 1024
const MAX_IDS = 500

export interface ModelContext {
  env: Env
  home: string
  fs: DoctorFs
  /** The OpenCode the user runs (the first found), or null. */
  install: OpenCodeInstall | null
  /** The running server's ids per provider (inside OpenCode), when the caller has them. */
  server?: (provider: string) => readonly string[] | null
}

const label = (i: OpenCodeInstall | null) => (i?.version ? `OpenCode ${i.version}` : "OpenCode")

function fromCache(provider: string, ctx: ModelContext): string[] | null {
  if (ctx.install?.major === 2) return null // 2.x keeps its catalog in its database, not in this file
  const xdg = ctx.env.XDG_CACHE_HOME?.trim()
  const path =
    ctx.env.OPENCODE_MODELS_PATH?.trim() || join(xdg ? xdg : join(ctx.home, ".cache"), "opencode", "models.json")
  const read = ctx.fs.readText(path, MAX_CACHE_BYTES)
  if (!read.ok) return null
  try {
    const all: unknown = JSON.parse(read.text)
    const entry = isRecord(all) ? all[provider] : undefined
    const models = isRecord(entry) ? entry.models : undefined
    if (!isRecord(models)) return null
    return Object.keys(models)
      .slice(0, MAX_IDS)
      .map((id) => cleanText(id, MAX_NAME))
  } catch {
    return null
  }
}

export function openCodeModels(provider: string, ctx: ModelContext): ModelList | null {
  const served = ctx.server?.(provider)
  if (served) return { ids: [...served].slice(0, MAX_IDS), who: "the running OpenCode", how: "its provider list" }
  const cached = fromCache(provider, ctx)
  if (cached !== null) return { ids: cached, who: label(ctx.install), how: "its models cache" }
  const version = ctx.install?.version
  const shipped = version ? shippedCatalog(version) : null
  if (shipped !== null) {
    const ids = shipped.providers[provider]
    if (!ids) return null
    const how = shipped.version === version ? "its built-in catalog" : `the catalog of ${shipped.version}`
    return { ids: [...ids], who: `OpenCode ${version}`, how }
  }
  // No OpenCode found (or not its version): the newest 1.x catalog, said as such.
  const newest = SHIPPED_CATALOGS.filter((c) => c.version.startsWith("1.")).at(-1)!
  const ids = newest.providers[provider]
  const why = ctx.install ? "its version unknown" : "no opencode on PATH"
  return ids ? { ids: [...ids], who: `OpenCode ${newest.version}`, how: `its built-in catalog; ${why}` } : null
}
