// The quota as the TUI sees it: the core service (the same cache files as the server half, so one answer serves
// both), refreshed on a timer that fires when the entry on disk goes stale — whoever of the two halves asked last,
// the other reads it from disk. Never throws; every timer callback catches its own errors.
import type { QuotaError } from "../core/types.ts"
import { QuotaService, readingOf, type Reading, type ServiceDeps } from "../quota/service.ts"
import type { QuotaSettings } from "../options/shared.ts"
import type { CachedResult } from "../zai/cache.ts"
import { findCredentials } from "../zai/credentials.ts"
import type { WidgetData } from "./widget-lines.ts"

export interface FeedState {
  data: WidgetData
  /** The failure of the last refresh, if it failed (the data may still be the last good reading). */
  error: QuotaError | null
}

export interface FeedDeps extends ServiceDeps {
  /** Whether a key can be found now (env, auth.json); default: the credential search of the core. */
  hasKey?: () => boolean
  makeService?: (settings: QuotaSettings, deps: ServiceDeps) => QuotaService
  setTimer?: (fn: () => void, ms: number) => unknown
  /** The ids the user can pick (the TUI's providers), asked at each report; null: the catalog for the date. */
  models?: () => readonly string[] | null
  clearTimer?: (handle: unknown) => void
}

/** Smallest wait between two checks, so a clock oddity can never spin the timer. */
const MIN_DELAY_MS = 200
/** Checks land this long after the entry on disk turns stale. */
const SLACK_MS = 150

export class QuotaFeed {
  private service: QuotaService
  private state: FeedState = { data: { kind: "loading" }, error: null }
  private listeners = new Set<(s: FeedState) => void>()
  private timer: unknown = null
  private stopped = true
  private running: Promise<void> | null = null

  constructor(
    readonly settings: QuotaSettings,
    private readonly deps: FeedDeps,
  ) {
    this.service = this.make()
  }

  /** The service behind the feed (its last reading, its peak state), for the checks that toast. */
  get quota(): QuotaService {
    return this.service
  }

  private make(): QuotaService {
    const serviceDeps: ServiceDeps = {
      env: this.deps.env,
      fetch: this.deps.fetch,
      now: this.deps.now,
      credentials: this.deps.credentials,
      notice: this.deps.notice,
    }
    return this.deps.makeService
      ? this.deps.makeService(this.settings, serviceDeps)
      : new QuotaService(this.settings, serviceDeps)
  }

  private hasKey(): boolean {
    if (this.deps.hasKey) return this.deps.hasKey()
    if (this.deps.credentials?.() != null) return true
    return findCredentials({ env: this.deps.env, region: this.settings.region }) !== null
  }

  get intervalMs(): number {
    return this.settings.refreshInterval * 1000
  }

  current(): FeedState {
    return this.state
  }

  onChange(fn: (s: FeedState) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  /** Shows what the disk already has, then refreshes now and whenever the entry goes stale. */
  start(): void {
    if (!this.stopped) return
    this.stopped = false
    try {
      const known = this.service.latest()
      if (known !== null) this.set(this.fromReading(known, null))
    } catch {
      // a cache that cannot be read is only slower
    }
    this.schedule(0)
  }

  stop(): void {
    this.stopped = true
    if (this.timer !== null)
      (this.deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(this.timer)
    this.timer = null
  }

  /** One check now: fresh from disk, else one request (shared with the server half through the cache). */
  refresh(): Promise<void> {
    this.running ??= this.check().finally(() => {
      this.running = null
    })
    return this.running
  }

  private async check(): Promise<void> {
    try {
      if (this.state.data.kind === "no_key" || this.state.error?.kind === "no_key") {
        if (!this.hasKey()) {
          this.set({ data: { kind: "no_key" }, error: null })
          return
        }
        this.service = this.make()
      }
      const res = await this.service.get()
      this.set(this.fromResult(res))
    } catch (err) {
      const error: QuotaError = {
        kind: "bad_response",
        message: `Reading the quota failed unexpectedly (${(err as Error).message}): try again.`,
      }
      this.set(
        this.state.data.kind === "report"
          ? { data: this.state.data, error }
          : { data: { kind: "failed", error }, error },
      )
    }
  }

  private fromReading(reading: Reading, error: QuotaError | null): FeedState {
    this.service.models = this.deps.models?.() ?? null
    const report = this.service.reportOf(reading)
    return { data: { kind: "report", report, planLabel: reading.snapshot.planLabel }, error }
  }

  private fromResult(res: CachedResult): FeedState {
    if (!res.ok) {
      if (res.error.kind === "no_key") return { data: { kind: "no_key" }, error: res.error }
      return { data: { kind: "failed", error: res.error }, error: res.error }
    }
    return this.fromReading(readingOf(res), res.error ?? null)
  }

  /** The report again, for a new "now" (countdowns and peak state move with the clock). */
  rebuild(): FeedState {
    const d = this.state.data
    if (d.kind !== "report") return this.state
    const known = this.service.latest()
    if (known === null) return this.state
    this.state = this.fromReading(known, this.state.error)
    return this.state
  }

  private set(next: FeedState): void {
    this.state = next
    for (const l of this.listeners) {
      try {
        l(next)
      } catch {
        // a listener's failure is its own
      }
    }
  }

  /** When the entry on disk turns stale (fetchedAt + interval), or one interval from now when there is none. */
  nextDelay(): number {
    const interval = this.intervalMs
    const d = this.state.data
    if (d.kind !== "report" || d.report.stale) return interval
    const fetched = Date.parse(d.report.fetchedAt)
    if (!Number.isFinite(fetched)) return interval
    const due = fetched + interval + SLACK_MS - this.deps.now().getTime()
    return Math.min(interval + SLACK_MS, Math.max(MIN_DELAY_MS, due))
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    const set = this.deps.setTimer ?? ((fn: () => void, delay: number) => setTimeout(fn, delay))
    this.timer = set(() => {
      this.timer = null
      void this.refresh()
        .catch(() => undefined)
        .finally(() => {
          try {
            this.schedule(this.nextDelay())
          } catch {
            this.schedule(this.intervalMs)
          }
        })
    }, ms)
  }
}
