// The server half's voice: toasts once per period, and log lines through the client (never console, which would
// corrupt the TUI). The checks read the service's finished reports; none of them touches the network.
import type { PluginInput } from "@opencode-ai/plugin"
import { pricingAt } from "../core/plans/model-catalog.ts"
import { isQuotaPeak } from "../core/time/peak.ts"
import {
  combineWarnings,
  modelWarning,
  peakWarning,
  quotaWarnings,
  runwayWarning,
  type Clocks,
  type Warning,
} from "../core/report/warnings.ts"
import type { QuotaService } from "../quota/service.ts"
import type { Settings } from "../options/server.ts"
import { openCodeAdvice as inOpenCode } from "../core/text/vocabulary.ts"
import { refusalWarning } from "../quota/refusal.ts"

type Client = PluginInput["client"]
export type Level = "debug" | "info" | "warn" | "error"

export class Notifier {
  private problemsShown = false
  /** What each check last looked at: the same reading, report or peak state again has nothing new to say. */
  private quotaSeen: unknown = null
  private peakSeen: unknown = null
  private readonly modelSeen = new Map<string, unknown>()
  /** While a moment is open: the warnings it has to say, in one toast at its end. */
  private pending: Warning[] | null = null

  constructor(
    private readonly client: Client,
    private readonly settings: Settings,
    private readonly service: QuotaService,
    private readonly clocks: Clocks,
    /** Whether a TUI half in this process says a refused key itself (quota/claim.ts); default: none does. */
    private readonly tuiSaysRefusals: () => Promise<boolean> = async () => false,
  ) {}

  log(level: Level, message: string): void {
    try {
      void this.client.app.log({ body: { service: "glm-quota", level, message } }).catch(() => undefined)
    } catch {
      // logging must never hurt
    }
  }

  /** A toast now (settings allowing, unless `force`); the TUI may not be there. */
  toast(w: Warning, force = false): void {
    if (!this.settings.toasts && !force) return
    try {
      const duration = w.variant === "error" ? 12_000 : 8_000
      void this.client.tui
        .showToast({ body: { title: w.title, message: inOpenCode(w.message), variant: w.variant, duration } })
        .catch(() => undefined)
    } catch {
      // the TUI may not be there
    }
  }

  /** Shows a warning once per key for the whole process (at the end of the moment, when one is open). */
  once(w: Warning | null, force = false): void {
    if (w === null || this.service.seen.has(w.key)) return
    this.service.seen.add(w.key)
    if (this.pending !== null && !force) this.pending.push(w)
    else this.toast(w, force)
  }

  /**
   * One moment (a prompt, the end of a turn): whatever its checks have to say is said in one toast, so none replaces
   * another before it can be read. `delayMs` holds the toast back (a session's first prompt: the TUI is moving from
   * its home screen to the session then, and a toast shown during that move was seen to be lost).
   */
  moment(fn: () => void, delayMs = 0): void {
    if (this.pending !== null) return fn()
    this.pending = []
    try {
      fn()
    } finally {
      const said = combineWarnings(this.pending)
      this.pending = null
      if (said !== null && delayMs <= 0) this.toast(said)
      else if (said !== null) setTimeout(() => this.toast(said), delayMs).unref?.()
    }
  }

  /** The options that were unusable, once: a log line and a toast that shows even with toasts off. */
  showProblems(problems: readonly string[]): void {
    if (this.problemsShown || problems.length === 0) return
    this.problemsShown = true
    this.log("warn", `invalid options, defaults used: ${problems.join(", ")}`)
    this.toast(
      {
        key: "options",
        title: "glm-quota: invalid options",
        message: `Ignored, defaults used: ${problems.join(", ")}.`,
        variant: "warning",
      },
      true,
    )
  }

  /** The peak now, priced for this plan (the report's pricing; by date while there is no reading yet). */
  checkPeak(): void {
    const report = this.service.current()
    const now = this.service.now()
    const peak = this.service.peak(now)
    if (this.peakSeen === (report ?? peak)) return
    this.peakSeen = report ?? peak
    if (report?.pricing !== undefined) return this.once(peakWarning(report.peak, report.pricing, this.clocks))
    const pricing = pricingAt({
      catalog: this.settings.modelCatalog,
      generation: null,
      at: now.getTime(),
      quotaPeak: isQuotaPeak(peak, this.settings.peak),
    })
    this.once(peakWarning(peak, pricing, this.clocks))
  }

  /**
   * Quota warnings, once per reading; with `runway`, also the runway of this machine's record — a read of the record
   * and a report, so only when a fresh reading arrives (the pace comes from the API's readings), never on the chat path.
   */
  checkQuota(runway = false): void {
    const reading = this.service.latest()
    if (reading === null || reading.stale) return
    if (this.quotaSeen !== reading) {
      this.quotaSeen = reading
      const { show, alsoSeen } = quotaWarnings(reading.snapshot.windows, this.settings.thresholds, this.clocks)
      for (const k of alsoSeen) this.service.seen.add(k)
      for (const w of show) this.once(w)
    }
    if (!runway) return
    const local = this.service.reportOf(reading).local
    if (local === undefined || local === null || local.runway.window === null) return
    const binding = reading.snapshot.windows.find((w) => w.kind === local.runway.window)
    const now = this.service.now()
    this.once(
      runwayWarning({
        window: local.runway.window,
        resetsAt: binding?.resetsAt ?? null,
        runway: local.runway,
        now,
        formatTime: this.clocks.twoClocks,
      }),
    )
  }

  /** A key the API refused (rejected, or no Coding Plan): one error toast per key, unless a TUI half says it. */
  checkAccess(): void {
    const r = this.service.refusal
    if (r === null) return
    const w = refusalWarning(r)
    if (this.service.seen.has(w.key)) return
    this.service.seen.add(w.key)
    void this.tuiSaysRefusals()
      .catch(() => false)
      .then((tui) => (tui ? undefined : this.toast(w)))
  }

  checkModel(sessionID: string, modelID: string | undefined): void {
    if (this.settings.model === "off" || modelID === undefined) return
    const report = this.service.current()
    if (report === null) return
    const key = `${sessionID}\n${modelID}`
    if (this.modelSeen.get(key) === report) return
    if (this.modelSeen.size >= 1000) this.modelSeen.clear()
    this.modelSeen.set(key, report)
    this.once(
      modelWarning({
        sessionID,
        modelID,
        report,
        policy: this.settings.policy,
        catalog: this.settings.modelCatalog,
        clocks: this.clocks,
      }),
    )
  }
}
