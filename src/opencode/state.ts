// What one OpenCode process shares across every instance of the server plugin: one quota service per configuration,
// one local record, one request guard (its queue spans every session), one view of the providers' model lists. The
// entry creates it once; tests create their own, so nothing leaks between them.
import type { Env } from "../core/types.ts"
import { QuotaService, type ServiceDeps } from "../quota/service.ts"
import { RequestGuard } from "./guard.ts"
import { ProviderModels } from "./provider-models.ts"
import type { Settings } from "../options/server.ts"
import { Recorder } from "./recorder.ts"
import type { TurnMeter } from "../quota/turn-meter.ts"

export interface ServerState {
  services: Map<string, QuotaService>
  /** undefined: not opened yet; null: the state dir cannot be used (no record then). */
  recorder: Recorder | null | undefined
  guard: RequestGuard | undefined
  models: ProviderModels | undefined
  /** The turn meter (src/opencode/turns.ts), made with the record. */
  turns?: TurnMeter | null
}

export function createServerState(): ServerState {
  return { services: new Map(), recorder: undefined, guard: undefined, models: undefined }
}

/** One service per configuration: every instance of the plugin with the same settings shares it. */
export function serviceFor(state: ServerState, settings: Settings, deps: ServiceDeps): QuotaService {
  const id = JSON.stringify([
    settings.region,
    settings.baseUrl,
    settings.refreshInterval,
    settings.policy,
    settings.peak,
    settings.prefer,
    settings.modelCatalog,
    settings.seat,
  ])
  let s = state.services.get(id)
  if (s === undefined) {
    s = new QuotaService(settings, deps)
    state.services.set(id, s)
  }
  return s
}

/** The process's record, opened on first use (compaction starts with it); null when the state dir cannot be used. */
export function recorderFor(
  state: ServerState,
  env: Env,
  now: () => Date,
  onWarning: (text: string) => void,
): Recorder | null {
  if (state.recorder !== undefined) return state.recorder
  try {
    state.recorder = Recorder.fromEnv(env, now, onWarning)
    state.recorder.startCompaction()
  } catch {
    state.recorder = null
  }
  return state.recorder
}

export function guardFor(state: ServerState, settings: Settings, throttlePeak: () => boolean): RequestGuard {
  state.guard ??= new RequestGuard(settings.guard, { throttlePeak })
  return state.guard
}

export function modelsFor(state: ServerState, env: Env): ProviderModels {
  state.models ??= new ProviderModels(env)
  return state.models
}
