// The Coding Plan providers' model lists as the running OpenCode has them (its bundled catalog plus any models the user
// declared), read through the plugin's client in the background — never awaited by a hook — and kept on disk beside
// the quota cache, so apply mode can set a listed model at the next start-up before any request.
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { providerModelLists } from "../core/providers.ts"
import { cacheDir, writePrivateFile } from "../zai/cache.ts"
import type { Env } from "../core/types.ts"

const FILE = "opencode-models.json"

export type ModelLists = Record<string, string[]>

/** What the plugin's client offers for this: `config.providers()` (GET /config/providers). */
export interface ProvidersClient {
  config: { providers: () => Promise<{ data?: { providers?: unknown } | undefined }> }
}

export class ProviderModels {
  private lists: ModelLists | null = null
  private loading: Promise<ModelLists | null> | null = null
  private readonly file: string | null

  constructor(env: Env | null) {
    this.file = env === null ? null : join(cacheDir(env), FILE)
  }

  /** The lists known now: from this process's client, else from the file an earlier run wrote; null when neither. */
  current(): ModelLists | null {
    if (this.lists !== null || this.file === null) return this.lists
    try {
      const saved: unknown = JSON.parse(readFileSync(this.file, "utf8"))
      const providers =
        typeof saved === "object" && saved !== null ? (saved as { providers?: unknown }).providers : null
      if (typeof providers === "object" && providers !== null) {
        const lists: ModelLists = {}
        for (const [id, ids] of Object.entries(providers))
          if (Array.isArray(ids)) lists[id] = ids.filter((x): x is string => typeof x === "string")
        this.lists = lists
      }
    } catch {
      // no file yet, or an unreadable one: the client's answer will replace it
    }
    return this.lists
  }

  /** Asks the running OpenCode once (joined while in flight); resolves to the new lists, or null when it failed. */
  load(client: ProvidersClient): Promise<ModelLists | null> {
    return this.loadWith(async () => {
      const res = await client.config.providers()
      const providers = res?.data?.providers
      return Array.isArray(providers) ? providerModelLists(providers) : null
    })
  }

  /** The same with any way of asking (OpenCode 2 asks `ctx.model.list`): joined while in flight, kept on disk. */
  loadWith(ask: () => Promise<ModelLists | null>): Promise<ModelLists | null> {
    this.loading ??= (async () => {
      try {
        const lists = await ask()
        if (lists === null) return null
        this.lists = lists
        this.save(lists)
        return lists
      } catch {
        return null
      } finally {
        this.loading = null
      }
    })()
    return this.loading
  }

  private save(lists: ModelLists): void {
    if (this.file === null) return
    try {
      writePrivateFile(dirname(this.file), FILE, JSON.stringify({ providers: lists }))
    } catch {
      // the file only speeds up the next start
    }
  }
}
