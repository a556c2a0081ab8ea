// The local 5-hour window: what this machine spent, in which sessions, at what pace. Pure: records, the clock and the
// plan catalog are arguments. What counts in a window, and where an hourly aggregate stands: core/records.ts; how
// long the binding quota window lasts at this pace: core/runway.ts.
import type { PlanCatalog } from "../plans/plan-catalog.ts"
import {
  addTokens,
  DAY_MS,
  FIVE_HOURS_MS,
  HOUR_MS,
  MINUTE_MS,
  tokenSum,
  type HourAggregate,
  type LocalRecord,
  type SnapshotEvent,
  type Tokens,
} from "./records.ts"
import { BURN_LOOKBACK_MS, MIN_SNAPSHOT_SPAN_MS, rateOf } from "./pace.ts"
import { cleanText, MAX_NAME } from "../text/sanitize.ts"
import type { PlanId } from "../types.ts"

/** MCP calls are summed over this many days for the monthly allowance context. */
export const MCP_LOOKBACK_MS = 30 * DAY_MS

export interface TokenCounts extends Tokens {
  /** input + output + cacheRead + cacheWrite */
  total: number
}

export interface SessionUsage {
  session: string
  prompts: number
  calls: number
  /** input + output + cache read + cache write */
  tokens: number
  mcp: number
}

export interface Allowance {
  plan: PlanId | null
  /** The plan's approximate prompts per 5 hours; null without a plan. */
  promptsPer5h: number | null
  /** Allowance less this machine's prompts in the window (never below 0); null without a plan. */
  remaining: number | null
  /** This machine's prompts as a percent of the allowance, rounded; null without a plan. */
  usedPercent: number | null
}

export interface BurnRate {
  /** Prompts in the last hour (a count over one hour, so also per hour). */
  promptsPerHour: number
  callsPerHour: number
  /** Percentage points per hour of each window from the API snapshots; null when there are too few. */
  pointsPerHour: { fiveHour: number | null; weekly: number | null }
}

export interface LocalSummary {
  /** The instant the summary is for (ISO). */
  at: string
  /** Start of the rolling window (ISO, exclusive: an event at this instant has aged out). */
  windowStart: string
  prompts: number
  calls: number
  tokens: TokenCounts
  /** MCP calls per tool in the last 5 hours. */
  mcp: Record<string, number>
  mcpTotal: number
  allowance: Allowance
  /** Model calls per prompt in the window, 1 decimal; null when there was no prompt. */
  callsPerPrompt: number | null
  /** When the oldest prompt in the window ages out (ISO), or null. */
  oldestPromptAgesOutAt: string | null
  /** The busiest sessions in the window, at most `topSessions`. */
  sessions: SessionUsage[]
  /** MCP calls per tool in the last 30 days (context for the monthly allowance). */
  mcp30d: Record<string, number>
  mcp30dTotal: number
  burn: BurnRate
}

export interface SummaryInput {
  records: readonly LocalRecord[]
  now: Date
  plan: PlanId | null
  catalog: PlanCatalog
  /** How many sessions to list (default 5). */
  topSessions?: number
  /** Rank sessions by model calls (default) or by tokens. */
  rankBy?: "calls" | "tokens"
}

const finite = (n: number): number => (Number.isFinite(n) ? n : 0)
const round = (n: number, digits: number): number => {
  const f = 10 ** digits
  const r = Math.round(finite(n) * f) / f
  return r === 0 ? 0 : r
}

function bump(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by)
}

/** Names from this machine's record (tools, sessions) are as untrusted as a server's: cleaned when they are shown. */
const shownName = (name: string): string => cleanText(name, MAX_NAME) || "?"

function sortedObject(map: Map<string, number>): Record<string, number> {
  const out = new Map<string, number>()
  for (const [k, v] of [...map.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)))
    out.set(shownName(k), (out.get(shownName(k)) ?? 0) + v)
  return Object.fromEntries(out)
}

function sumValues(map: Map<string, number>): number {
  let total = 0
  for (const v of map.values()) total += v
  return total
}

interface SessionAcc {
  prompts: number
  calls: number
  tokens: number
  mcp: number
}

/** The running totals of one pass over the records, for the summary at `nowMs`. */
class Tally {
  prompts = 0
  calls = 0
  lastHourPrompts = 0
  lastHourCalls = 0
  oldestPrompt = Infinity
  readonly tokens: Tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }
  readonly mcp = new Map<string, number>()
  readonly mcp30 = new Map<string, number>()
  readonly sessions = new Map<string, SessionAcc>()
  readonly snapshots: SnapshotEvent[] = []
  readonly fiveStart: number
  private readonly hourStart: number
  private readonly mcpStart: number
  private readonly snapshotStart: number
  // Consecutive records mostly come from one session: skip the map lookup then.
  private lastSession: string | null = null
  private lastAcc: SessionAcc | null = null

  constructor(private readonly nowMs: number) {
    this.fiveStart = nowMs - FIVE_HOURS_MS
    this.hourStart = nowMs - BURN_LOOKBACK_MS
    this.mcpStart = nowMs - MCP_LOOKBACK_MS
    this.snapshotStart = nowMs - BURN_LOOKBACK_MS
  }

  add(r: LocalRecord): void {
    const t = r.t
    if (t > this.nowMs || t <= this.mcpStart) return
    const inFive = t > this.fiveStart
    const inHour = t > this.hourStart
    switch (r.kind) {
      case "prompt": {
        if (!inFive) break
        this.prompts++
        if (inHour) this.lastHourPrompts++
        if (t < this.oldestPrompt) this.oldestPrompt = t
        this.session(r.session).prompts++
        break
      }
      case "call": {
        if (!inFive) break
        this.calls++
        if (inHour) this.lastHourCalls++
        addTokens(this.tokens, r)
        const acc = this.session(r.session)
        acc.calls++
        acc.tokens += tokenSum(r)
        break
      }
      case "mcp": {
        bump(this.mcp30, r.tool, 1)
        if (!inFive) break
        bump(this.mcp, r.tool, 1)
        this.session(r.session).mcp++
        break
      }
      case "snapshot": {
        if (t >= this.snapshotStart) this.snapshots.push(r)
        break
      }
      case "hour":
        this.addHour(r, inFive, inHour)
        break
      default:
        break
    }
  }

  private addHour(r: HourAggregate, inFive: boolean, inHour: boolean): void {
    let n = 0
    for (const tool in r.mcp) {
      const c = r.mcp[tool] ?? 0
      bump(this.mcp30, tool, c)
      if (inFive) bump(this.mcp, tool, c)
      n += c
    }
    if (!inFive) return
    this.prompts += r.prompts
    this.calls += r.calls
    if (inHour) {
      this.lastHourPrompts += r.prompts
      this.lastHourCalls += r.calls
    }
    if (r.prompts > 0 && r.t < this.oldestPrompt) this.oldestPrompt = r.t
    addTokens(this.tokens, r)
    if (r.prompts + r.calls + n === 0) return
    const acc = this.session(r.session)
    acc.prompts += r.prompts
    acc.calls += r.calls
    acc.tokens += tokenSum(r)
    acc.mcp += n
  }

  private session(session: string): SessionAcc {
    if (session === this.lastSession && this.lastAcc !== null) return this.lastAcc
    let acc = this.sessions.get(session)
    if (acc === undefined) {
      acc = { prompts: 0, calls: 0, tokens: 0, mcp: 0 }
      this.sessions.set(session, acc)
    }
    this.lastSession = session
    this.lastAcc = acc
    return acc
  }
}

function allowanceOf(plan: PlanId | null, catalog: PlanCatalog, prompts: number): Allowance {
  const info = plan === null ? undefined : catalog[plan]
  const promptsPer5h = info === undefined ? null : info.promptsPer5h
  return {
    plan,
    promptsPer5h,
    remaining: promptsPer5h === null ? null : Math.max(0, promptsPer5h - prompts),
    usedPercent: promptsPer5h === null || promptsPer5h <= 0 ? null : Math.round((prompts / promptsPer5h) * 100),
  }
}

/** The `topSessions` busiest sessions, by calls then tokens (or tokens then calls), then prompts, then id. */
function busiestSessions(
  sessions: Map<string, SessionAcc>,
  rankBy: SummaryInput["rankBy"],
  topSessions?: number,
): SessionUsage[] {
  const byTokens = rankBy === "tokens"
  const top = Math.max(0, Math.floor(finite(topSessions ?? 5)))
  return [...sessions.entries()]
    .map(([session, a]) => ({ session, prompts: a.prompts, calls: a.calls, tokens: finite(a.tokens), mcp: a.mcp }))
    .sort((a, b) => {
      const primary = byTokens ? b.tokens - a.tokens || b.calls - a.calls : b.calls - a.calls || b.tokens - a.tokens
      return primary || b.prompts - a.prompts || (a.session < b.session ? -1 : a.session > b.session ? 1 : 0)
    })
    .slice(0, top)
    .map((s) => ({ ...s, session: shownName(s.session) }))
}

/** Everything this machine spent in the rolling 5 hours, with its pace and the 30-day MCP context. */
export function summarise(input: SummaryInput): LocalSummary {
  const nowMs = input.now.getTime()
  const tally = new Tally(nowMs)
  for (const r of input.records) tally.add(r)
  const { prompts, calls, tokens, mcp, mcp30, oldestPrompt, snapshots } = tally
  return {
    at: new Date(nowMs).toISOString(),
    windowStart: new Date(tally.fiveStart).toISOString(),
    prompts,
    calls,
    tokens: {
      input: finite(tokens.input),
      output: finite(tokens.output),
      cacheRead: finite(tokens.cacheRead),
      cacheWrite: finite(tokens.cacheWrite),
      total: finite(tokenSum(tokens)),
    },
    mcp: sortedObject(mcp),
    mcpTotal: sumValues(mcp),
    allowance: allowanceOf(input.plan, input.catalog, prompts),
    callsPerPrompt: prompts === 0 ? null : round(calls / prompts, 1),
    oldestPromptAgesOutAt: oldestPrompt === Infinity ? null : new Date(oldestPrompt + FIVE_HOURS_MS).toISOString(),
    sessions: busiestSessions(tally.sessions, input.rankBy, input.topSessions),
    mcp30d: sortedObject(mcp30),
    mcp30dTotal: sumValues(mcp30),
    burn: {
      promptsPerHour: tally.lastHourPrompts,
      callsPerHour: tally.lastHourCalls,
      pointsPerHour: {
        fiveHour: rateOf(snapshots, "five_hour", MIN_SNAPSHOT_SPAN_MS)?.pointsPerHour ?? null,
        weekly: rateOf(snapshots, "weekly", MIN_SNAPSHOT_SPAN_MS)?.pointsPerHour ?? null,
      },
    },
  }
}
