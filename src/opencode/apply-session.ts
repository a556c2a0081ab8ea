// Apply mode per message (OpenCode 1.x): every prompt that carries a default model — the configured one, the one the
// TUI read at start, or one this plugin set — goes to the model apply.ts decides now, so the first prompt of the first
// run and every prompt after follow the peak and the quota. A prompt on any other model was the user's pick: from
// then on that session is left alone. Each switch is announced once. No I/O: the reading and the lists come in.
import type { Clocks, Warning } from "../core/report/warnings.ts"
import type { QuotaService } from "../quota/service.ts"
import { decideModel, modelKey, type MessageModel, type ModelLists } from "./apply.ts"
import type { ProviderModels } from "./provider-models.ts"
import type { Notifier } from "./notify.ts"
import type { Report } from "../core/report/report.ts"

const MAX_SESSIONS = 1000

interface SessionState {
  /** The user picked a model in this session: never touched again. */
  chosen: boolean
  /** "provider/id" the session's last prompt went to. */
  last: string | null
}

export interface MessageOutcome {
  /** The announcement of a switch (once per switch), or null. */
  warning: Warning | null
  /** A line for the log: a switch, the user's pick, or why the model was kept. */
  log: string | null
  /** Set when the recommendation is not listed (the caller shows it once per reason). */
  kept: string | null
}

const NOTHING: MessageOutcome = { warning: null, log: null, kept: null }

export class MessageApplier {
  private readonly defaults = new Set<string>()
  private readonly sessions = new Map<string, SessionState>()
  private switches = 0

  /** A model that means "no choice made" (the configured one, the TUI's start model, one the plugin set). */
  addDefault(model: unknown): void {
    if (typeof model === "string" && model.includes("/")) this.defaults.add(model)
  }

  private state(sessionID: string): SessionState {
    let s = this.sessions.get(sessionID)
    if (s === undefined) {
      if (this.sessions.size >= MAX_SESSIONS) this.sessions.clear()
      s = { chosen: false, last: null }
      this.sessions.set(sessionID, s)
    }
    return s
  }

  /** Decides the message's model and rewrites `message.model` when it should go elsewhere. */
  onMessage(
    sessionID: string,
    message: { model?: MessageModel } | undefined,
    report: Report | null,
    lists: ModelLists | null,
    clocks: Clocks,
  ): MessageOutcome {
    const carried = message?.model
    if (message === undefined || carried?.providerID === undefined || carried.modelID === undefined) return NOTHING
    const s = this.state(sessionID)
    if (s.chosen) return NOTHING
    const d = decideModel({ model: carried, defaults: this.defaults, report, lists })
    if (d.kind === "user") {
      s.chosen = true
      return { ...NOTHING, log: `session ${sessionID}: ${modelKey(carried)} picked by the user, left alone` }
    }
    if (d.kind === "kept") return { ...NOTHING, kept: d.why }
    if (d.kind === "none") return NOTHING
    const next = modelKey(d.model)
    const before = s.last ?? modelKey(carried)
    s.last = next
    this.defaults.add(next)
    if (next !== modelKey(carried)) message.model = { ...carried, ...d.model }
    if (next === before) return NOTHING
    const warning = switchWarning(sessionID, ++this.switches, d.model.modelID, report!, clocks)
    return { warning, log: `session ${sessionID}: model set to ${next}: ${d.reason}`, kept: null }
  }
}

/** "Switched to glm-5.3-flash for the peak until 18:00 Beijing time (10:00 your time); pick a model to keep yours." */
export function switchWarning(sessionID: string, n: number, id: string, report: Report, clocks: Clocks): Warning {
  const rec = report.recommendation
  const peak = report.peak
  const forPeak = rec.class === "glm-4.7" && report.pricing?.phase === "peak" && peak.endsAt !== null
  const why = forPeak ? ` for the peak until ${clocks.twoClocks(peak.endsAt!)}` : `: ${rec.reason}`
  return {
    key: `switch:${sessionID}:${n}`,
    title: `GLM model: switched to ${id}`,
    short: `switched to ${id}`,
    message: `Switched to ${id}${why}; pick a model (/models) to keep yours.`,
    addendum: `Switched to ${id}${forPeak ? " until then" : ""}; pick a model (/models) to keep yours.`,
    variant: "info",
  }
}

export interface ApplyDeps {
  applier: MessageApplier
  notify: Notifier
  service: QuotaService
  models: ProviderModels
  clocks: Clocks
}

/** Once per reason, the log line as the toast: apply runs at every prompt, turn and refresh. */
export function keptOnce(d: Pick<ApplyDeps, "notify" | "service">, why: string): void {
  const key = `apply:${why}`
  if (d.service.seen.has(key)) return
  d.notify.log("warn", `apply: ${why}`)
  d.notify.once({ key, title: "glm-quota: model left as it is", message: `${why}.`, variant: "info" })
}

/** Apply mode on one prompt: the model it goes to now (never one the user picked), each switch said once. */
export function applyToMessage(d: ApplyDeps, sessionID: string, message: { model?: MessageModel } | undefined): void {
  const out = d.applier.onMessage(sessionID, message, d.service.current(), d.models.current(), d.clocks)
  if (out.log !== null) d.notify.log("info", out.log)
  if (out.kept !== null) keptOnce(d, out.kept)
  d.notify.once(out.warning)
}
