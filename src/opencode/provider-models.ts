// The Coding Plan providers' model lists as the running OpenCode has them (its bundled catalog plus any models the user
// declared), read through the plugin's client in the background — never awaited by a hook — and kept on disk beside
// the quota cache (quota/opencode-models.ts; the TUI half writes the same file from its own provider state), so apply
// mode can set a listed model before any request.
import { providerModelLists } from "../core/plans/providers.ts"
import type { Env } from "../core/types.ts"
import { readModelLists, writeModelLists, type ModelLists } from "../quota/opencode-models.ts"

export type { ModelLists } from "../quota/opencode-models.ts"

/** What the plugin's client offers for this: `config.providers()` (GET /config/providers). */
export interface ProvidersClient {
  config: { providers: () => Promise<{ data?: { providers?: unknown } | undefined }> }
}

export class ProviderModels {
  private lists: ModelLists | null = null
  private loading: Promise<ModelLists | null> | null = null

  constructor(private readonly env: Env | null) {}

  /** The lists known now: from this process's client, else from the file (this or an earlier run); null when neither. */
  current(): ModelLists | null {
    if (this.lists !== null || this.env === null) return this.lists
    this.lists = readModelLists(this.env)
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
        if (this.env !== null) writeModelLists(this.env, lists)
        return lists
      } catch {
        return null
      } finally {
        this.loading = null
      }
    })()
    return this.loading
  }
}
