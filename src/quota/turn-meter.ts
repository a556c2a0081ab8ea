// After a turn: what it cost, kept in this machine's record. Fed by the host's events — OpenCode 1.x's model calls
// (step-finish parts), MCP tool calls and `session.idle`; OpenCode 2's `session.execution.succeeded` calls `end` with
// the turn's calls — it never touches the network: the counter readings are the ones the quota service already has,
// and a refresh is only asked for (never awaited).
//
// A turn is one user prompt of a root session until the session is idle again, its subagents' calls included. Its
// credits are the formula's (core/turn-cost.ts) at the phase each call ran in. Where the plan has credit counters,
// the counter's change across the turn is taken from the last reading before it and the first one after it; when
// other sessions made calls in between (this machine's record says so), the change is theirs too: `shared`.
import type { ModelCatalog } from "../core/plans/model-catalog.ts"
import type { LocalRecord, TurnEvent } from "../core/record/records.ts"
import { turnCost, type TurnCall } from "../core/record/turn-cost.ts"
import type { QuotaSnapshot, Phase } from "../core/types.ts"

export interface TurnMeterDeps {
  now: () => Date
  /** Appends a turn line to this machine's record (the same files the CLI reads). */
  append: (turn: TurnEvent) => void
  /** This machine's record (to tell whether other sessions were active while the counter moved). */
  records: () => readonly LocalRecord[]
  /** The latest reading in memory (or on disk); never the network. */
  reading: () => QuotaSnapshot | null
  /** Asks for a refresh in the background, if one is due; never awaited. */
  refreshSoon: () => void
  catalog: () => ModelCatalog
  /** The quota phase at an instant (the peak schedule: 1× at the quota peak, 0.5× off-peak on credit plans). */
  phaseAt: (at: Date) => Phase
  /** How long after a turn to ask again for the reading after it (default 65 s: past the 60 s cache). */
  retryMs?: number
}

/** A credit counter at one reading: the weekly one first (it resets least often), else the 5-hour one. */
interface Counter {
  kind: "weekly" | "five_hour"
  used: number
  resetsAt: string | null
  at: number
}

interface Open {
  id: string
  startedAt: number
  before: Counter | null
  calls: (TurnCall & { t: number })[]
  mcp: number
  sessions: Set<string>
}

interface Pending {
  turn: TurnEvent
  before: Counter
  sessions: Set<string>
  expires: number
}

const PENDING_MS = 15 * 60_000
const MAX_OPEN = 500

function counterOf(s: QuotaSnapshot | null, kind?: Counter["kind"]): Counter | null {
  if (s === null) return null
  for (const k of kind === undefined ? (["weekly", "five_hour"] as const) : [kind]) {
    const w = s.windows.find((x) => x.kind === k && x.meter === "credits" && x.used !== null)
    if (w !== undefined) return { kind: k, used: w.used!, resetsAt: w.resetsAt, at: Date.parse(s.fetchedAt) }
  }
  return null
}

/** The model with most of the turn's tokens, and whether it made every call. */
function mainModel(calls: readonly TurnCall[]): { model: string; single: boolean } {
  const sums = new Map<string, number>()
  for (const c of calls) sums.set(c.model, (sums.get(c.model) ?? 0) + c.input + c.cacheRead + c.output)
  let model = ""
  let most = -1
  for (const [m, n] of sums) if (n > most) [model, most] = [m, n]
  return { model, single: sums.size === 1 }
}

export class TurnMeter {
  private readonly open = new Map<string, Open>()
  private readonly parents = new Map<string, string>()
  private pending: Pending[] = []
  private lastTurn: TurnEvent | null = null
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly deps: TurnMeterDeps) {}

  /** A subagent session and its parent (from `session.created` / `session.updated`). */
  link(child: string, parent: string): void {
    if (child === parent) return
    if (this.parents.size >= MAX_OPEN * 10) this.parents.clear()
    this.parents.set(child, parent)
  }

  /** The root session of a session (its subagents' calls are the root's turn's). */
  root(session: string): string {
    let s = session
    for (let i = 0; i < 32 && this.parents.has(s); i++) s = this.parents.get(s)!
    return s
  }

  /** A user prompt in a root session: a turn starts, with the counter reading before it. */
  begin(session: string): void {
    const t = this.deps.now().getTime()
    if (this.open.size >= MAX_OPEN) this.open.clear()
    const before = counterOf(this.deps.reading())
    this.open.set(session, {
      id: `${session}:${t}`,
      startedAt: t,
      before,
      calls: [],
      mcp: 0,
      sessions: new Set([session]),
    })
  }

  private turnOf(session: string, t: number): Open {
    const root = this.root(session)
    let o = this.open.get(root)
    if (o === undefined) {
      // A call with no prompt seen (the prompt hook did not see it): the turn starts here.
      this.begin(root)
      o = this.open.get(root)!
      o.startedAt = Math.min(o.startedAt, t)
    }
    o.sessions.add(session)
    return o
  }

  /** A model call of a session (or of one of its subagents). */
  call(session: string, call: Omit<TurnCall, "phase"> & { t?: number }): void {
    const t = call.t ?? this.deps.now().getTime()
    this.turnOf(session, t).calls.push({ ...call, t, phase: this.deps.phaseAt(new Date(t)) })
  }

  /** An MCP tool call (search, web reader, zread) of a session or a subagent. */
  mcp(session: string): void {
    this.turnOf(session, this.deps.now().getTime()).mcp++
  }

  /**
   * The turn of a root session ended (1.x `session.idle`; 2.x `session.execution.succeeded`): its credits, recorded
   * and returned; null when it made no model call. `calls` (and `mcpCalls`) replace what the events gathered, for a
   * host that hands the turn's messages over at its end.
   */
  end(
    session: string,
    given?: { calls?: readonly TurnCall[]; mcpCalls?: number; startedAt?: number },
  ): TurnEvent | null {
    const now = this.deps.now().getTime()
    const o = this.open.get(session)
    this.open.delete(session)
    const calls = given?.calls ?? o?.calls ?? []
    if (calls.length === 0) return null
    const startedAt = given?.startedAt ?? o?.startedAt ?? now
    const phase = this.deps.phaseAt(new Date(startedAt))
    const mcp = given?.mcpCalls ?? o?.mcp ?? 0
    const cost = turnCost(calls, this.deps.catalog(), phase, { mcpCalls: mcp, at: now })
    const turn: TurnEvent = {
      t: now,
      kind: "turn",
      id: o?.id ?? `${session}:${startedAt}`,
      session,
      ...mainModel(calls),
      startedAt,
      phase,
      calls: calls.length,
      input: cost.tokens.input,
      cacheRead: cost.tokens.cacheRead,
      output: cost.tokens.output,
      mcp,
      credits: cost.credits,
      delta: null,
      shared: false,
    }
    this.deps.append(turn)
    this.lastTurn = turn
    const before = o?.before ?? null
    if (before !== null) {
      this.pending.push({ turn, before, sessions: o?.sessions ?? new Set([session]), expires: now + PENDING_MS })
      this.deps.refreshSoon()
      this.askAgain()
    }
    return turn
  }

  /** The last turn this process recorded (with its counter change once known). */
  last(): TurnEvent | null {
    return this.lastTurn
  }

  /** A fresh reading: the turns waiting for the reading after them get their counter change. */
  onReading(snapshot: QuotaSnapshot): void {
    const at = Date.parse(snapshot.fetchedAt)
    const now = this.deps.now().getTime()
    const keep: Pending[] = []
    for (const p of this.pending) {
      if (now > p.expires) continue
      if (!(at >= p.turn.t)) {
        keep.push(p)
        continue
      }
      const after = counterOf(snapshot, p.before.kind)
      if (after === null || after.resetsAt !== p.before.resetsAt || after.used < p.before.used) continue
      const turn: TurnEvent = { ...p.turn, delta: after.used - p.before.used, shared: this.shared(p, at) }
      this.deps.append(turn)
      if (this.lastTurn?.id === turn.id) this.lastTurn = turn
    }
    this.pending = keep
  }

  /** Whether calls other than this turn's were recorded while the counter moved. */
  private shared(p: Pending, after: number): boolean {
    const { turn, sessions } = p
    return this.deps
      .records()
      .some(
        (r) =>
          r.kind === "call" &&
          r.t > p.before.at &&
          r.t <= after &&
          !(sessions.has(r.session) && r.t >= turn.startedAt && r.t <= turn.t),
      )
  }

  /** One timer while turns wait: the reading after them is asked for once the cache has aged. */
  private askAgain(): void {
    if (this.timer !== null) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.deps.refreshSoon()
      if (this.pending.length > 0 && this.pending.some((p) => p.expires > this.deps.now().getTime())) this.askAgain()
    }, this.deps.retryMs ?? 65_000)
    this.timer.unref?.()
  }

  /** Stops the timer (the plugin's dispose). */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
