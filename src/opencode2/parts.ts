// What one started OpenCode 2 server instance works with: made by server.ts and handed to each feature (the command,
// the tools, the events, apply mode, the guard), in a file of its own so that no feature imports server.ts back.
import type { Env, FetchLike } from "../core/types.ts"
import type { Settings } from "../options/server.ts"
import type { QuotaService } from "../quota/service.ts"
import type { ViewAt } from "../opencode/present.ts"
import type { RequestGuard } from "../opencode/guard.ts"
import type { Recorder } from "../opencode/recorder.ts"
import type { ProviderModels } from "../opencode/provider-models.ts"
import type { ServerContext } from "./host.ts"
import type { HostLog } from "./log.ts"

/** Everything one started instance works with. */
export interface Parts2 {
  ctx: ServerContext
  settings: Settings
  problems: string[]
  service: QuotaService
  recorder: Recorder | null
  guard: RequestGuard
  models: ProviderModels
  log: HostLog
  env: Env
  fetch: FetchLike
  now: () => Date
  at: () => ViewAt
  /** Resolves when the host's key has been asked for at start (found or not). */
  keyReady: Promise<void>
  /** Asks the host again when no key of its is known yet (a key connected since); resolves when asked. */
  askKey: () => Promise<void>
}
