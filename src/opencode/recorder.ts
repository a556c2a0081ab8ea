// The local record from OpenCode's events: prompts, model calls (steps, with tokens) and Z.ai MCP calls of sessions on
// a Z.ai / BigModel coding-plan provider, plus each fresh API snapshot. Appends are synchronous and cheap (one write);
// reading is incremental; compaction runs in the background, off the chat path.
import { DAY_MS, HOUR_MS, type LocalRecord } from "../core/record/records.ts"
import type { QuotaSnapshot } from "../core/types.ts"
import { LocalStore, stateDir, type CallEvent, type LocalEvent } from "../local/store.ts"
import type { Env } from "../core/types.ts"
import { CODING_PLAN_IDS } from "../core/plans/providers.ts"

/** Z.ai's MCP servers (web search, web reader, zread, vision) as OpenCode names their tools (`<server>_<tool>`). */
const MCP_TOOLS: [RegExp, string][] = [
  [/search[-_]?prime|web[-_]?search/i, "search-prime"],
  [/web[-_]?reader|webreader/i, "web-reader"],
  [/zread/i, "zread"],
  [/zai[-_]mcp|vision|analyze[-_]?image|analyze[-_]?video/i, "vision"],
]

export function mcpToolName(tool: string): string | null {
  for (const [re, name] of MCP_TOOLS) if (re.test(tool)) return name
  return null
}

const MAX_TRACKED = 5000

export class Recorder {
  readonly store: LocalStore
  private readonly live
  private readonly providers = new Set(CODING_PLAN_IDS)
  /** messageID → model of assistant messages on a coding-plan provider. */
  private readonly messages = new Map<string, string>()
  /** step-finish part ids already recorded (a part is updated more than once). */
  private readonly steps = new Set<string>()
  private timer: ReturnType<typeof setInterval> | null = null
  /** Damage notices already passed on: each is told once. */
  private readonly told = new Set<string>()
  /** Hears each model call and MCP call recorded (the turn meter, src/opencode/turns.ts). */
  listener: { call(e: CallEvent): void; mcp(session: string): void } | null = null

  /** `onWarning` hears each of the store's damage notices once (a corrupt file set aside, an unreadable line). */
  constructor(
    dir: string,
    private readonly now: () => Date,
    private readonly onWarning: (text: string) => void = () => {},
  ) {
    this.store = new LocalStore({ dir, now })
    this.live = this.store.live()
  }

  static fromEnv(env: Env, now: () => Date, onWarning?: (text: string) => void): Recorder {
    return new Recorder(stateDir(env), now, onWarning)
  }

  private warn(notices: readonly string[]): void {
    for (const n of notices) {
      if (this.told.has(n)) continue
      this.told.add(n)
      try {
        this.onWarning(n)
      } catch {
        // telling is best effort
      }
    }
  }

  addProviders(ids: string[]): void {
    for (const id of ids) this.providers.add(id)
  }

  isCodingPlan(providerID: string | undefined): boolean {
    return providerID !== undefined && this.providers.has(providerID)
  }

  /** Appends one event (a turn line from the turn meter too). */
  append(e: LocalEvent): void {
    this.store.append(e)
  }

  prompt(session: string, providerID: string | undefined, model: string | undefined): void {
    if (!this.isCodingPlan(providerID)) return
    this.append({ t: this.now().getTime(), kind: "prompt", session, model: model ?? "" })
  }

  /** From `message.updated`: remember which assistant messages run on the coding plan, and their model. */
  message(info: { id?: unknown; role?: unknown; providerID?: unknown; modelID?: unknown }): void {
    if (info.role !== "assistant" || typeof info.id !== "string" || typeof info.providerID !== "string") return
    if (!this.isCodingPlan(info.providerID) || this.messages.has(info.id)) return
    if (this.messages.size >= MAX_TRACKED) this.messages.clear()
    this.messages.set(info.id, typeof info.modelID === "string" ? info.modelID : "")
  }

  /** From `message.part.updated` with a `step-finish` part: one model call with its tokens. */
  step(part: { id?: unknown; sessionID?: unknown; messageID?: unknown; tokens?: unknown }): void {
    if (typeof part.id !== "string" || typeof part.messageID !== "string" || typeof part.sessionID !== "string") return
    const model = this.messages.get(part.messageID)
    if (model === undefined || this.steps.has(part.id)) return
    if (this.steps.size >= MAX_TRACKED) this.steps.clear()
    this.steps.add(part.id)
    const t = (part.tokens ?? {}) as {
      input?: unknown
      output?: unknown
      reasoning?: unknown
      cache?: { read?: unknown; write?: unknown }
    }
    const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0)
    const call: CallEvent = {
      t: this.now().getTime(),
      kind: "call",
      session: part.sessionID,
      model,
      input: n(t.input),
      output: n(t.output) + n(t.reasoning),
      cacheRead: n(t.cache?.read),
      cacheWrite: n(t.cache?.write),
    }
    this.append(call)
    this.listener?.call(call)
  }

  mcp(session: string, tool: string): void {
    const name = mcpToolName(tool)
    if (name === null) return
    this.append({ t: this.now().getTime(), kind: "mcp", session, tool: name })
    this.listener?.mcp(session)
  }

  snapshot(s: QuotaSnapshot): void {
    const w = (kind: string) => s.windows.find((x) => x.kind === kind)
    const five = w("five_hour")
    const week = w("weekly")
    this.append({
      t: this.now().getTime(),
      kind: "snapshot",
      fiveHour: five?.usedPercent ?? null,
      weekly: week?.usedPercent ?? null,
      fiveHourResetsAt: five?.resetsAt ?? null,
      weeklyResetsAt: week?.resetsAt ?? null,
    })
  }

  /** Everything the report needs: the last 30 days (MCP context), read incrementally. */
  records(): readonly LocalRecord[] {
    const r = this.live.read(this.now().getTime() - 31 * DAY_MS)
    this.warn(r.warnings)
    return r.records
  }

  /** Compaction a minute after start-up, then hourly; never on the chat path. */
  startCompaction(): void {
    if (this.timer !== null) return
    const run = () => {
      try {
        this.warn(this.store.compact().warnings)
      } catch {
        // compaction is housekeeping; the next run tries again
      }
    }
    const first = setTimeout(run, 60_000)
    first.unref?.()
    this.timer = setInterval(run, HOUR_MS)
    this.timer.unref?.()
  }
}
