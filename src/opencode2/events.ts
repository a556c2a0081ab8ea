// The OpenCode 2 session events glm-quota follows: which model each session runs (and whether the user picked it),
// every model call with its tokens and every Z.ai MCP call into this machine's record, and the end of each turn
// (a refresh, apply mode's next decision). One subscription for the process's instance; a failing handler is logged
// and the loop goes on; when the stream ends it is not restarted (the host ended it).
import { Sessions } from "../opencode/sessions.ts"
import type { TurnMeter } from "../quota/turn-meter.ts"
import type { Applier } from "./apply.ts"
import type { HostEvent, ModelRef } from "./host.ts"
import type { Parts2 } from "./parts.ts"

export const TYPES = [
  "session.created",
  "session.model.selected",
  "session.step.started",
  "session.step.ended",
  "session.tool.input.started",
  "session.execution.started",
  "session.execution.succeeded",
  "session.execution.failed",
  "session.execution.interrupted",
]

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined)

export function modelRef(v: unknown): ModelRef | null {
  if (typeof v !== "object" || v === null) return null
  const m = v as Record<string, unknown>
  const providerID = str(m.providerID)
  const id = str(m.id)
  return providerID !== undefined && id !== undefined ? { providerID, id } : null
}

export class Events {
  readonly sessions = new Sessions()
  /** sessionID → the model it runs, as the events told it. */
  private readonly models = new Map<string, ModelRef>()
  /** The host's default model, the one a session without a model of its own runs; asked at each new session. */
  private fallback: ModelRef | null = null
  /** Listeners for a turn's end (the cost of a turn is one). */
  private readonly ends = new Set<(sessionID: string) => void>()

  constructor(
    private readonly p: Parts2,
    private readonly applier: Applier,
    /** The turn meter (src/quota/turn-meter.ts): the record's calls feed it; a turn's start and end are ours. */
    private readonly meter: TurnMeter | null,
    /** A turn ended (however): the request guard frees what it still holds for the session. */
    private readonly turnOver: (sessionID: string) => void = () => {},
  ) {
    applier.modelOf = (id) => this.modelOf(id)
    applier.isSubagent = (id) => this.sessions.isSubagent(id)
  }

  /** The model a session runs: its own, else the host's default. */
  modelOf(sessionID: string): ModelRef | null {
    return this.models.get(sessionID) ?? this.fallback
  }

  /** Asks the host for its default model, then calls `then` (also when the host did not say). */
  private askDefault(then: () => void): void {
    const ask = this.p.ctx.model.default
    if (typeof ask !== "function") return then()
    void ask({})
      .then((d) => {
        const ref = modelRef((d as { data?: unknown } | undefined)?.data ?? d)
        if (ref !== null) this.fallback = ref
      })
      .catch(() => undefined)
      .finally(then)
  }

  onTurnEnd(fn: (sessionID: string) => void): () => void {
    this.ends.add(fn)
    return () => this.ends.delete(fn)
  }

  /** Subscribes; returns the stop. */
  listen(): () => void {
    let stopped = false
    let iterator: AsyncIterator<HostEvent> | null = null
    void (async () => {
      try {
        const stream = this.p.ctx.event.subscribe({ types: TYPES })
        iterator = stream[Symbol.asyncIterator]()
        while (!stopped) {
          const next = await iterator.next()
          if (next.done) break
          this.handle(next.value)
        }
      } catch (err) {
        if (!stopped) this.p.log.add("error", `session events stopped: ${(err as Error)?.message ?? "unknown error"}`)
      }
    })()
    return () => {
      stopped = true
      void iterator?.return?.()?.catch(() => undefined)
    }
  }

  handle(event: HostEvent): void {
    try {
      this.on(event)
    } catch (err) {
      this.p.log.add("error", `${event.type}: ${(err as Error)?.message ?? "unknown error"}`)
    }
  }

  private on(event: HostEvent): void {
    const d = event.data ?? {}
    const sessionID = str(d.sessionID)
    if (sessionID === undefined) return
    const rec = this.p.recorder
    const model = modelRef(d.model)
    switch (event.type) {
      case "session.created":
        if (str(d.parentID) !== undefined) this.sessions.addSubagent(sessionID)
        if (str(d.parentID) !== undefined) this.meter?.link(sessionID, str(d.parentID)!)
        if (model !== null) this.models.set(sessionID, model)
        void this.p.askKey()
        this.p.service.refreshSoon()
        if (model !== null) return this.applier.created(sessionID)
        return this.askDefault(() => this.applier.created(sessionID))
      case "session.model.selected":
        if (model !== null) this.models.set(sessionID, model)
        return model === null ? undefined : this.applier.selected(sessionID, model)
      case "session.step.started":
        if (model === null) return
        this.models.set(sessionID, model)
        return rec?.message({
          id: d.assistantMessageID,
          role: "assistant",
          providerID: model.providerID,
          modelID: model.id,
        })
      case "session.step.ended":
        return rec?.step({ id: event.id, sessionID, messageID: d.assistantMessageID, tokens: d.tokens })
      case "session.tool.input.started":
        return typeof d.name === "string" ? rec?.mcp(sessionID, d.name) : undefined
      case "session.execution.started": {
        const m = this.modelOf(sessionID)
        rec?.prompt(sessionID, m?.providerID, m?.id)
        if (!this.sessions.isSubagent(sessionID) && rec?.isCodingPlan(m?.providerID)) this.meter?.begin(sessionID)
        return
      }
      case "session.execution.failed":
      case "session.execution.interrupted":
        return this.turnOver(sessionID)
      case "session.execution.succeeded":
        this.turnOver(sessionID)
        if (!this.sessions.isSubagent(sessionID)) this.meter?.end(sessionID)
        this.p.service.refreshSoon()
        this.applier.after(sessionID)
        for (const fn of this.ends) fn(sessionID)
        return
    }
  }
}
