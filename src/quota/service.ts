// The quota as the plugin sees it: one per process, shared by every plugin instance and session.
// Reads are synchronous (the last snapshot in memory); refreshes run in the background, at most one request
// per refresh interval however many commands, tools and toasts ask.
import { memoPeakState, type PeakSchedule } from "../core/peak.ts"
import { buildReport } from "../core/report.ts"
import type { PeakState, Policy, QuotaError, QuotaSnapshot, Report } from "../core/types.ts"
import type { CachedResult } from "../zai/cache.ts"
import type { Env } from "../zai/credentials.ts"
import type { FetchLike } from "../zai/http.ts"
import { openSource, type QuotaSource } from "../zai/source.ts"
import type { Settings } from "./options.ts"
import type { Recorder } from "./recorder.ts"

export interface Known {
  snapshot: QuotaSnapshot
  stale: boolean
  error: QuotaError | null
}

export interface ServiceDeps {
  env: Env
  fetch: FetchLike
  now: () => Date
  /** This machine's record; null keeps `local` out of reports. */
  recorder?: Recorder | null
}

type Listener = (known: Known) => void

export class QuotaService {
  private source: { ok: true; value: QuotaSource } | { ok: false; error: QuotaError } | null = null
  private openedAt = 0
  private known: Known | null = null
  private lastError: QuotaError | null = null
  private listeners = new Set<Listener>()
  /** Keys of warnings already shown in this process (see core/warnings.ts). */
  readonly seen = new Set<string>()
  /** The ids the user can pick (their Coding Plan provider's list); null until known: the catalog for the date. */
  models: readonly string[] | null = null

  constructor(
    readonly settings: Settings,
    private readonly deps: ServiceDeps,
  ) {
    this.peak = memoPeakState(settings.peak)
  }

  get now(): () => Date {
    return this.deps.now
  }

  /** Credentials and cache, opened on first use (reads env and auth.json once). */
  private open(): { ok: true; value: QuotaSource } | { ok: false; error: QuotaError } {
    // Without a key, look again at most every 30 s: a key added with /connect is picked up without a restart.
    if (this.source !== null && !this.source.ok && this.deps.now().getTime() - this.openedAt >= 30_000) this.source = null
    if (this.source === null) {
      this.openedAt = this.deps.now().getTime()
      this.source = openSource({
        env: this.deps.env,
        fetch: this.deps.fetch,
        now: this.deps.now,
        region: this.settings.region,
        baseUrl: this.settings.baseUrl,
        freshMs: this.settings.refreshInterval * 1000,
      })
    }
    return this.source
  }

  /** The last snapshot known to this process, or the one on disk from an earlier run. Never touches the network. */
  latest(): Known | null {
    if (this.known !== null) return this.known
    const src = this.open()
    if (!src.ok) return null
    const disk = src.value.quota.peek()
    if (disk === null) return null
    const age = this.deps.now().getTime() - disk.savedAt
    this.known = { snapshot: disk.snapshot, stale: age > this.settings.refreshInterval * 1000 * 5, error: null }
    return this.known
  }

  lastFailure(): QuotaError | null {
    return this.lastError
  }

  get recorder(): Recorder | null {
    return this.deps.recorder ?? null
  }

  /** The peak state now, remembered until its next boundary (cheap on the chat path). */
  readonly peak: (now: Date) => PeakState

  /**
   * The report of a reading. `withLocal: false` leaves this machine's record out (the chat path needs only the
   * windows, the peak and the model, not a read of the record).
   */
  report(known: Known | null = this.latest(), withLocal = true): Report | null {
    if (known === null) return null
    const now = this.deps.now()
    const local = withLocal && this.deps.recorder ? this.deps.recorder.records() : undefined
    const s = this.settings
    return buildReport(known.snapshot, {
      now, stale: known.stale, schedule: s.peak, policy: s.policy, peak: this.peak(now), local,
      models: this.models, modelCatalog: s.modelCatalog, prefer: s.prefer,
    })
  }

  /** The quota now: fresh from cache, else one shared request. For commands and tools, which may wait. */
  async get(full = false): Promise<CachedResult> {
    const src = this.open()
    if (!src.ok) return src
    const res = await (full ? src.value.full : src.value.quota).get()
    this.take(res, full)
    return res
  }

  /** Starts a refresh if one is due, without waiting for it. For hooks, which never wait on the network. */
  refreshSoon(): void {
    void this.get().catch(() => undefined)
  }

  onUpdate(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private take(res: CachedResult, full: boolean): void {
    if (!res.ok) {
      this.lastError = res.error
      if (res.error.kind === "auth" || res.error.kind === "no_key" || res.error.kind === "no_plan") this.known = null
      return
    }
    this.lastError = res.error ?? null
    if (!res.fromCache && !res.stale) {
      try {
        this.deps.recorder?.snapshot(res.value)
      } catch {
        // the record is best effort
      }
    }
    if (full) return
    const changed = this.known === null || this.known.snapshot !== res.value || this.known.stale !== res.stale
    this.known = { snapshot: res.value, stale: res.stale, error: res.error ?? null }
    if (!changed) return
    for (const l of this.listeners) {
      try {
        l(this.known)
      } catch {
        // a listener's failure is its own
      }
    }
  }
}

const services = new Map<string, QuotaService>()

/** One service per process and configuration: every instance of the plugin with the same settings shares it. */
export function sharedService(settings: Settings, deps: ServiceDeps): QuotaService {
  const id = JSON.stringify([settings.region, settings.baseUrl, settings.refreshInterval, settings.policy, settings.peak, settings.prefer, settings.modelCatalog])
  let s = services.get(id)
  if (s === undefined) {
    s = new QuotaService(settings, deps)
    services.set(id, s)
  }
  return s
}

export type { PeakSchedule, Policy }
