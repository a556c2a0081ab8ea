// The live quota every front door shares (the server half, the TUI half, the CLI's plugin-free cousin): the source,
// the last reading, and finished reports. Reads are synchronous (the last snapshot in memory, else the one on disk);
// refreshes run in the background, at most one request per refresh interval however many commands, tools and toasts
// ask. No presenter computes: each is handed a finished Report.
import type { LocalRecord } from "../core/record/records.ts"
import { memoPeakState, type PeakState } from "../core/time/peak.ts"
import { buildReport, type Report } from "../core/report/report.ts"
import type { Env, FetchLike, QuotaError, QuotaSnapshot } from "../core/types.ts"
import { cacheId, type CachedResult } from "../zai/cache.ts"
import { takeCacheNotice } from "../zai/cache-notice.ts"
import type { Credentials } from "../zai/credentials.ts"
import type { QuotaSettings } from "../options/shared.ts"
import { openSource, type QuotaSource } from "./source.ts"

/** A snapshot as this process knows it: how old, and why it could not be refreshed. */
export interface Reading {
  snapshot: QuotaSnapshot
  stale: boolean
  error: QuotaError | null
}

/** This machine's record as the service needs it (the OpenCode recorder is one; the CLI reads the store). */
export interface RecordPort {
  records(): readonly LocalRecord[]
  snapshot(snapshot: QuotaSnapshot): void
}

export interface ServiceDeps {
  env: Env
  fetch: FetchLike
  now: () => Date
  /** This machine's record; null keeps `local` out of reports. */
  record?: RecordPort | null
  /** The key the host holds (OpenCode 2's connection), asked at each (re)open; null or absent: env and auth.json. */
  credentials?: () => Credentials | null
  /** Where a one-time notice goes (the cache directory cannot be used): the plugin's log. */
  notice?: (text: string) => void
}

type Listener = (reading: Reading) => void

/** The reading of a cache answer. */
export const readingOf = (res: Extract<CachedResult, { ok: true }>): Reading => ({
  snapshot: res.value,
  stale: res.stale,
  error: res.error ?? null,
})

/** The chat path's report, kept while nothing it depends on changed (see `current`). */
interface Memo {
  reading: Reading
  models: readonly string[] | null
  peak: PeakState
  until: number
  report: Report
}

const NO_KEY_RETRY_MS = 30_000

export class QuotaService {
  private source: { ok: true; value: QuotaSource } | { ok: false; error: QuotaError } | null = null
  private openedAt = 0
  private reading: Reading | null = null
  private memo: Memo | null = null
  /** The last fresh answer put in the record. */
  private recorded: QuotaSnapshot | null = null
  private listeners = new Set<Listener>()
  /** Keys of warnings already shown in this process (see core/warnings.ts). */
  readonly seen = new Set<string>()
  /**
   * The key's last refusal (rejected, or no Coding Plan) and a tag of that key (a hash, as the cache names its files:
   * never the key); null once an answer came through.
   */
  refusal: { error: QuotaError; keyTag: string } | null = null
  /** The ids the user can pick (their Coding Plan provider's list); null until known: the catalog for the date. */
  models: readonly string[] | null = null
  /** The peak state now, remembered until its next boundary (cheap on the chat path). */
  readonly peak: (now: Date) => PeakState

  constructor(
    readonly settings: QuotaSettings,
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
    if (this.source !== null && !this.source.ok && this.deps.now().getTime() - this.openedAt >= NO_KEY_RETRY_MS)
      this.source = null
    if (this.source === null) {
      this.openedAt = this.deps.now().getTime()
      this.source = openSource({
        env: this.deps.env,
        fetch: this.deps.fetch,
        now: this.deps.now,
        region: this.settings.region,
        baseUrl: this.settings.baseUrl,
        freshMs: this.settings.refreshInterval * 1000,
        credentials: this.deps.credentials?.() ?? null,
      })
    }
    return this.source
  }

  /** The last reading of this process, or the one on disk from an earlier run. Never touches the network. */
  latest(): Reading | null {
    if (this.reading !== null) return this.reading
    const src = this.open()
    if (!src.ok) return null
    const disk = src.value.quota.peek()
    if (disk === null) return null
    const age = this.deps.now().getTime() - disk.savedAt
    this.reading = { snapshot: disk.snapshot, stale: age > this.settings.refreshInterval * 1000 * 5, error: null }
    return this.reading
  }

  /** The finished report of a reading, with this machine's record unless `withLocal` is false. */
  reportOf(reading: Reading, withLocal = true): Report {
    const now = this.deps.now()
    const local = withLocal && this.deps.record ? this.deps.record.records() : undefined
    const s = this.settings
    return buildReport(reading.snapshot, {
      now,
      stale: reading.stale,
      schedule: s.peak,
      policy: s.policy,
      peak: this.peak(now),
      local,
      models: this.models,
      modelCatalog: s.modelCatalog,
      prefer: s.prefer,
      seat: s.seat,
    })
  }

  /**
   * The report of the latest reading without this machine's record — what the chat path and the toasts need. It is
   * made once and kept until the reading, the model list or the peak state changes, or a window's reset passes (its
   * note changes then): `chat.message` and `session.idle` pay a comparison, not a report.
   */
  current(): Report | null {
    const reading = this.latest()
    if (reading === null) return null
    const now = this.deps.now()
    const peak = this.peak(now)
    const m = this.memo
    if (m !== null && m.reading === reading && m.models === this.models && m.peak === peak && now.getTime() < m.until)
      return m.report
    const report = this.reportOf(reading, false)
    const resets = reading.snapshot.windows
      .map((w) => (w.resetsAt === null ? Infinity : Date.parse(w.resetsAt)))
      .filter((t) => t > now.getTime())
    this.memo = { reading, models: this.models, peak, until: Math.min(Infinity, ...resets), report }
    return report
  }

  /** The quota now: fresh from cache, else one shared request. For commands and tools, which may wait. */
  async get(history = false): Promise<CachedResult> {
    const src = this.open()
    if (!src.ok) return src
    const res = await (history ? src.value.history : src.value.quota).get()
    const notice = takeCacheNotice()
    if (notice !== null) this.deps.notice?.(notice)
    this.take(res, history)
    const { credentials: c, origin } = src.value
    if (!res.ok && (res.error.kind === "auth" || res.error.kind === "no_plan"))
      this.refusal = { error: res.error, keyTag: cacheId(c.key, c.region, origin) }
    else if (res.ok && !res.stale) this.refusal = null
    return res
  }

  /** Forgets the opened source (the host's key arrived or changed): the next read opens it anew. */
  reopen(): void {
    this.source = null
  }

  /** Starts a refresh if one is due, without waiting for it. For hooks, which never wait on the network. */
  refreshSoon(): void {
    void this.get().catch(() => undefined)
  }

  onUpdate(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private take(res: CachedResult, history: boolean): void {
    if (!res.ok) {
      if (res.error.kind === "auth" || res.error.kind === "no_key" || res.error.kind === "no_plan") this.reading = null
      return
    }
    // Every caller that joined one request gets the same answer: it goes into the record once.
    if (!res.fromCache && !res.stale && res.value !== this.recorded) {
      this.recorded = res.value
      try {
        this.deps.record?.snapshot(res.value)
      } catch {
        // the record is best effort
      }
    }
    if (history) return
    const r = this.reading
    const changed =
      r === null || r.snapshot !== res.value || r.stale !== res.stale || r.error?.message !== res.error?.message
    if (!changed) return
    this.reading = readingOf(res)
    for (const l of this.listeners) {
      try {
        l(this.reading)
      } catch {
        // a listener's failure is its own
      }
    }
  }
}
