// The 2.x TUI half's toasts: what the 1.x server half says through `client.tui.showToast` (the Notifier's checks:
// peak hours, the windows' thresholds, the runway; once per period), plus what only the TUI can see in 2.x — a key
// refused or without a Coding Plan (once per key), and a model switched by apply mode (once per switch).
import { bareId } from "../core/plans/model-catalog.ts"
import type { Clocks } from "../core/report/warnings.ts"
import type { QuotaService } from "../quota/service.ts"
import type { Settings } from "../options/server.ts"
import { Notifier } from "../opencode/notify.ts"
import { openCodeAdvice as inOpenCode } from "../core/text/vocabulary.ts"
import type { FeedState } from "../tui/feed.ts"
import { modelRef } from "./events.ts"
import type { TuiApi2 } from "./tui-api.ts"

const MAX_SESSIONS = 1000

export class Toasts {
  private notifier: { service: QuotaService; n: Notifier } | null = null
  private readonly said = new Set<string>()
  private readonly models = new Map<string, string>()

  constructor(
    private readonly api: TuiApi2,
    private readonly settings: Settings,
    private readonly clocks: Clocks,
  ) {}

  private show(title: string, message: string, variant: string): void {
    try {
      this.api.ui.toast.show({ title, message, variant, duration: variant === "error" ? 12_000 : 8_000 })
    } catch {
      // the toast is a courtesy
    }
  }

  private once(key: string, title: string, message: string, variant: string): void {
    if (this.said.has(key)) return
    this.said.add(key)
    this.show(title, message, variant)
  }

  problems(problems: readonly string[]): void {
    this.once("options", "glm-quota: invalid options", `Ignored, defaults used: ${problems.join(", ")}.`, "warning")
  }

  /** The 1.x Notifier over the feed's service, with the TUI's toast as its client. */
  private notifierFor(service: QuotaService): Notifier {
    if (this.notifier?.service === service) return this.notifier.n
    const client = {
      app: { log: async () => true },
      tui: {
        showToast: async (x: { body: { title: string; message: string; variant: string } }) => {
          this.show(x.body.title, x.body.message, x.body.variant)
          return true
        },
      },
    }
    const n = new Notifier(client as never, this.settings, service, this.clocks)
    this.notifier = { service, n }
    return n
  }

  /** After each reading (and every redraw): the warnings due now, each once per period. */
  check(service: QuotaService, state: FeedState): void {
    const d = state.data
    if (d.kind === "failed" && (d.error.kind === "auth" || d.error.kind === "no_plan")) {
      const title = d.error.kind === "auth" ? "GLM key refused" : "No GLM Coding Plan"
      this.once(`key:${d.error.kind}`, title, inOpenCode(d.error.message), "error")
      return
    }
    if (d.kind !== "report") return
    const n = this.notifierFor(service)
    n.checkPeak()
    n.checkQuota(true)
  }

  /** `session.model.selected`: remember the session's model; a switch to the recommendation is apply mode's. */
  modelSelected(event: unknown, state: FeedState): void {
    const data = ((event as { data?: unknown; properties?: unknown }) ?? {}) as { data?: unknown; properties?: unknown }
    const d = (data.data ?? data.properties ?? {}) as { sessionID?: unknown; model?: unknown }
    const model = modelRef(d.model)
    if (typeof d.sessionID !== "string" || model === null) return
    if (this.models.size >= MAX_SESSIONS) this.models.clear()
    this.models.set(d.sessionID, `${model.providerID}/${model.id}`)
    if (this.settings.model !== "apply" || state.data.kind !== "report") return
    const rec = state.data.report.recommendation
    if (bareId(rec.model) !== bareId(model.id)) return
    this.once(
      `apply:${model.id}:${rec.reason}`,
      `glm-quota: switched to ${model.id}`,
      `${rec.reason}. Pick a model in this session to keep yours.`,
      "info",
    )
  }

  sessionModel(sessionID: string): string | undefined {
    return this.models.get(sessionID)
  }
}
