// The local 5-hour window: what this machine spent, in which sessions, at what pace, and how long the binding
// quota window lasts at that pace. Pure: records, the clock and the plan catalog are arguments.
//
// Boundaries (explicit, and tested):
// - A window of length L ending at `now` is the half-open interval (now − L, now]. An event exactly L old has
//   aged out; an event stamped after `now` (another clock) is not counted yet.
// - Hourly aggregates (`kind: "hour"`, written by compaction for records older than a day) stand at their hour's
//   start `t`: they count in a window when that instant does.
import { countdown } from "./format.ts"
import type { PlanCatalog } from "./plans.ts"
import type { PlanId } from "./types.ts"

export const MINUTE_MS = 60_000
export const HOUR_MS = 60 * MINUTE_MS
export const FIVE_HOURS_MS = 5 * HOUR_MS
export const DAY_MS = 24 * HOUR_MS
/** MCP calls are summed over this many days for the monthly allowance context. */
export const MCP_LOOKBACK_MS = 30 * DAY_MS
/** Burn rates (prompts, calls, percentage points) look back this far by default. */
export const BURN_LOOKBACK_MS = HOUR_MS
/** Two snapshots closer than this say nothing reliable about a pace (integer percents). */
export const MIN_SNAPSHOT_SPAN_MS = 10 * MINUTE_MS
/** A runway warning needs the projected exhaustion to come more than this long before the reset. */
export const RUNWAY_WARNING_MARGIN_MS = 15 * MINUTE_MS

/** A user prompt. No text: only who (session) and which model. `t` is epoch ms. */
export interface PromptEvent {
  t: number
  kind: "prompt"
  session: string
  model: string
}

/** One model call (an assistant step) with its token counts. */
export interface CallEvent {
  t: number
  kind: "call"
  session: string
  model: string
  input: number
  output: number
  cacheRead: number
  cacheWrite: number
}

/** One MCP tool call ("search-prime", "web-reader", "zread", "vision", …). */
export interface McpEvent {
  t: number
  kind: "mcp"
  session: string
  tool: string
}

/** Percent used of each quota window, from one fresh API reading. */
export interface SnapshotEvent {
  t: number
  kind: "snapshot"
  fiveHour: number | null
  weekly: number | null
  fiveHourResetsAt: string | null
  weeklyResetsAt: string | null
}

export type LocalEvent = PromptEvent | CallEvent | McpEvent | SnapshotEvent

/**
 * Prompts, calls, tokens and MCP calls of one session and model in one UTC hour starting at `t`.
 * MCP calls carry no model: they are kept under `model: ""`.
 */
export interface HourAggregate {
  t: number
  kind: "hour"
  session: string
  model: string
  prompts: number
  calls: number
  input: number
  output: number
  cacheRead: number
  cacheWrite: number
  mcp: Record<string, number>
}

/** What the store gives back: raw events, and hourly aggregates of older ones. */
export type LocalRecord = LocalEvent | HourAggregate

export type { QuotaWindowKind } from "./types.ts"
import type { QuotaWindowKind } from "./types.ts"

/** Whether instant `t` lies in the window of length `lengthMs` ending at `nowMs`: (now − length, now]. */
export function inWindow(t: number, nowMs: number, lengthMs: number): boolean {
  return t > nowMs - lengthMs && t <= nowMs
}

/** Whether `t` counts in the rolling 5-hour window ending at `nowMs`. Exactly 5 hours old: aged out. */
export function inFiveHourWindow(t: number, nowMs: number): boolean {
  return inWindow(t, nowMs, FIVE_HOURS_MS)
}

export interface TokenCounts {
  input: number
  output: number
  cacheRead: number
  cacheWrite: number
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

function sortedObject(map: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...map.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)))
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

function sessionAcc(map: Map<string, SessionAcc>, session: string): SessionAcc {
  let acc = map.get(session)
  if (acc === undefined) {
    acc = { prompts: 0, calls: 0, tokens: 0, mcp: 0 }
    map.set(session, acc)
  }
  return acc
}

/** Everything this machine spent in the rolling 5 hours, with its pace and the 30-day MCP context. */
export function summarise(input: SummaryInput): LocalSummary {
  const nowMs = input.now.getTime()
  const fiveStart = nowMs - FIVE_HOURS_MS
  const hourStart = nowMs - BURN_LOOKBACK_MS
  const mcpStart = nowMs - MCP_LOOKBACK_MS
  const snapshotStart = nowMs - BURN_LOOKBACK_MS

  let prompts = 0
  let calls = 0
  let lastHourPrompts = 0
  let lastHourCalls = 0
  let oldestPrompt = Infinity
  const tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }
  const mcp = new Map<string, number>()
  const mcp30 = new Map<string, number>()
  const sessions = new Map<string, SessionAcc>()
  const snapshots: SnapshotEvent[] = []
  // Consecutive records mostly come from one session: skip the map lookup then.
  let lastSession: string | null = null
  let lastAcc: SessionAcc | null = null
  const accFor = (session: string): SessionAcc => {
    if (session === lastSession && lastAcc !== null) return lastAcc
    lastSession = session
    lastAcc = sessionAcc(sessions, session)
    return lastAcc
  }

  for (const r of input.records) {
    const t = r.t
    if (t > nowMs || t <= mcpStart) continue
    const inFive = t > fiveStart
    const inHour = t > hourStart
    switch (r.kind) {
      case "prompt": {
        if (!inFive) break
        prompts++
        if (inHour) lastHourPrompts++
        if (t < oldestPrompt) oldestPrompt = t
        accFor(r.session).prompts++
        break
      }
      case "call": {
        if (!inFive) break
        calls++
        if (inHour) lastHourCalls++
        tokens.input += r.input
        tokens.output += r.output
        tokens.cacheRead += r.cacheRead
        tokens.cacheWrite += r.cacheWrite
        const acc = accFor(r.session)
        acc.calls++
        acc.tokens += r.input + r.output + r.cacheRead + r.cacheWrite
        break
      }
      case "mcp": {
        bump(mcp30, r.tool, 1)
        if (!inFive) break
        bump(mcp, r.tool, 1)
        accFor(r.session).mcp++
        break
      }
      case "snapshot": {
        if (t >= snapshotStart) snapshots.push(r)
        break
      }
      case "hour": {
        let n = 0
        for (const tool in r.mcp) {
          const c = r.mcp[tool] ?? 0
          bump(mcp30, tool, c)
          if (inFive) bump(mcp, tool, c)
          n += c
        }
        if (!inFive) break
        prompts += r.prompts
        calls += r.calls
        if (inHour) {
          lastHourPrompts += r.prompts
          lastHourCalls += r.calls
        }
        if (r.prompts > 0 && t < oldestPrompt) oldestPrompt = t
        tokens.input += r.input
        tokens.output += r.output
        tokens.cacheRead += r.cacheRead
        tokens.cacheWrite += r.cacheWrite
        if (r.prompts + r.calls + n === 0) break
        const acc = accFor(r.session)
        acc.prompts += r.prompts
        acc.calls += r.calls
        acc.tokens += r.input + r.output + r.cacheRead + r.cacheWrite
        acc.mcp += n
        break
      }
      default:
        break
    }
  }

  const info = input.plan === null ? undefined : input.catalog[input.plan]
  const promptsPer5h = info === undefined ? null : info.promptsPer5h
  const allowance: Allowance = {
    plan: input.plan,
    promptsPer5h,
    remaining: promptsPer5h === null ? null : Math.max(0, promptsPer5h - prompts),
    usedPercent: promptsPer5h === null || promptsPer5h <= 0 ? null : Math.round((prompts / promptsPer5h) * 100),
  }

  const byTokens = input.rankBy === "tokens"
  const top = Math.max(0, Math.floor(finite(input.topSessions ?? 5)))
  const sessionList: SessionUsage[] = [...sessions.entries()]
    .map(([session, a]) => ({ session, prompts: a.prompts, calls: a.calls, tokens: finite(a.tokens), mcp: a.mcp }))
    .sort((a, b) => {
      const primary = byTokens ? b.tokens - a.tokens || b.calls - a.calls : b.calls - a.calls || b.tokens - a.tokens
      return primary || b.prompts - a.prompts || (a.session < b.session ? -1 : a.session > b.session ? 1 : 0)
    })
    .slice(0, top)

  const total = tokens.input + tokens.output + tokens.cacheRead + tokens.cacheWrite
  return {
    at: new Date(nowMs).toISOString(),
    windowStart: new Date(fiveStart).toISOString(),
    prompts,
    calls,
    tokens: {
      input: finite(tokens.input),
      output: finite(tokens.output),
      cacheRead: finite(tokens.cacheRead),
      cacheWrite: finite(tokens.cacheWrite),
      total: finite(total),
    },
    mcp: sortedObject(mcp),
    mcpTotal: sumValues(mcp),
    allowance,
    callsPerPrompt: prompts === 0 ? null : round(calls / prompts, 1),
    oldestPromptAgesOutAt: oldestPrompt === Infinity ? null : new Date(oldestPrompt + FIVE_HOURS_MS).toISOString(),
    sessions: sessionList,
    mcp30d: sortedObject(mcp30),
    mcp30dTotal: sumValues(mcp30),
    burn: {
      promptsPerHour: lastHourPrompts,
      callsPerHour: lastHourCalls,
      pointsPerHour: {
        fiveHour: rateOf(snapshots, "five_hour", MIN_SNAPSHOT_SPAN_MS)?.pointsPerHour ?? null,
        weekly: rateOf(snapshots, "weekly", MIN_SNAPSHOT_SPAN_MS)?.pointsPerHour ?? null,
      },
    },
  }
}

export interface RateOptions {
  /** How far back snapshots are used (default 1 hour); a snapshot exactly this old still counts. */
  lookbackMs?: number
  /** The usable snapshots must span at least this long (default 10 minutes). */
  minSpanMs?: number
}

export interface SnapshotRate {
  /** Percentage points per hour, 2 decimals; negative when the window is draining (rolling window ageing out). */
  pointsPerHour: number
  /** First and last snapshot used (ISO) and how many were used. */
  from: string
  to: string
  samples: number
}

/**
 * The pace of one window in percentage points per hour, from the API snapshots of the last hour: the change from the
 * first to the last usable snapshot over the time between them. A drop in percent between two snapshots is a reset
 * (or old usage ageing out): only the snapshots from the latest drop on are used. Null (no data) with fewer than two
 * usable snapshots or when they span less than `minSpanMs`.
 */
export function snapshotRate(records: readonly LocalRecord[], window: QuotaWindowKind, now: Date, opts: RateOptions = {}): SnapshotRate | null {
  const nowMs = now.getTime()
  const from = nowMs - (opts.lookbackMs ?? BURN_LOOKBACK_MS)
  const snapshots: SnapshotEvent[] = []
  for (const r of records) if (r.kind === "snapshot" && r.t >= from && r.t <= nowMs) snapshots.push(r)
  return rateOf(snapshots, window, opts.minSpanMs ?? MIN_SNAPSHOT_SPAN_MS)
}

/** The rate over snapshots already limited to the lookback (any order). */
function rateOf(snapshots: readonly SnapshotEvent[], window: QuotaWindowKind, minSpan: number): SnapshotRate | null {
  const points: { t: number; v: number }[] = []
  for (const r of snapshots) {
    const v = window === "five_hour" ? r.fiveHour : r.weekly
    if (v === null || !Number.isFinite(v)) continue
    points.push({ t: r.t, v })
  }
  points.sort((a, b) => a.t - b.t)
  let start = 0
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.v < points[i - 1]!.v) start = i
  }
  const usable = points.slice(start)
  if (usable.length < 2) return null
  const first = usable[0]!
  const last = usable[usable.length - 1]!
  const span = last.t - first.t
  if (span <= 0 || span < minSpan) return null
  const pointsPerHour = round(((last.v - first.v) / span) * HOUR_MS, 2)
  return { pointsPerHour, from: new Date(first.t).toISOString(), to: new Date(last.t).toISOString(), samples: usable.length }
}

/** How long the binding window lasts at the current pace. Explicit states; never NaN. */
export type Runway =
  | { state: "no_data" }
  | { state: "no_burn" }
  | { state: "ok"; pointsPerHour: number; exhaustsAt: null }
  | { state: "runs_out"; pointsPerHour: number; exhaustsAt: string; beforeResetMs: number }

export interface RunwayInput extends RateOptions {
  window: QuotaWindowKind
  /** The window's current percent used (0–100), or null when unknown. */
  usedPercent: number | null
  /** The window's reset instant (ISO), or null when unknown. */
  resetsAt: string | null
  /** Records holding the API snapshots (other kinds are ignored). */
  records: readonly LocalRecord[]
  now: Date
}

/**
 * Projects a pace onto a window: `no_data` without a pace, a current percent, or a reset still ahead to compare with;
 * `no_burn` when the pace is 0 or negative; `ok` when the window lasts until its reset (exhausting exactly at the reset
 * counts as lasting); `runs_out` with the instant it reaches 100 % and how long before the reset that is.
 */
export function projectRunway(usedPercent: number | null, resetsAt: string | null, pointsPerHour: number | null, now: Date): Runway {
  if (pointsPerHour === null || !Number.isFinite(pointsPerHour)) return { state: "no_data" }
  if (usedPercent === null || !Number.isFinite(usedPercent)) return { state: "no_data" }
  const nowMs = now.getTime()
  const resetMs = resetsAt === null ? NaN : Date.parse(resetsAt)
  if (!Number.isFinite(resetMs) || resetMs <= nowMs) return { state: "no_data" }
  if (pointsPerHour <= 0) return { state: "no_burn" }
  const left = Math.max(0, 100 - usedPercent)
  const exhaustsMs = nowMs + Math.ceil((left / pointsPerHour) * HOUR_MS)
  if (!Number.isFinite(exhaustsMs) || exhaustsMs >= resetMs) return { state: "ok", pointsPerHour, exhaustsAt: null }
  return { state: "runs_out", pointsPerHour, exhaustsAt: new Date(exhaustsMs).toISOString(), beforeResetMs: resetMs - exhaustsMs }
}

/** The runway of one window from its current percent and the snapshot history of the last hour. */
export function runway(input: RunwayInput): Runway {
  const rate = snapshotRate(input.records, input.window, input.now, input)
  return projectRunway(input.usedPercent, input.resetsAt, rate === null ? null : rate.pointsPerHour, input.now)
}

export interface RunwayWarning {
  /** Once per window: the window's reset identifies it. */
  key: string
  title: string
  message: string
  variant: "warning"
}

export interface RunwayWarningInput {
  window: QuotaWindowKind
  resetsAt: string | null
  runway: Runway
  now: Date
  /** How an instant is shown ("18:00 Beijing time (11:00 your time)"); defaults to the ISO instant. */
  formatTime?: (iso: string) => string
  /** Warn only when the window runs out more than this long before its reset (default 15 minutes). */
  marginMs?: number
}

const WINDOW_TITLE: Record<QuotaWindowKind, string> = { five_hour: "5-hour", weekly: "weekly" }

/** A warning when the window is projected to run out more than 15 minutes before it resets; else null. */
export function runwayWarning(input: RunwayWarningInput): RunwayWarning | null {
  const r = input.runway
  if (r.state !== "runs_out" || input.resetsAt === null) return null
  if (r.beforeResetMs <= (input.marginMs ?? RUNWAY_WARNING_MARGIN_MS)) return null
  const show = input.formatTime ?? ((iso: string) => iso)
  const name = WINDOW_TITLE[input.window]
  const inMs = Date.parse(r.exhaustsAt) - input.now.getTime()
  const when = inMs <= 0 ? "now" : `in ${countdown(inMs)} (${show(r.exhaustsAt)})`
  return {
    key: `runway:${input.window}:${input.resetsAt}`,
    title: `GLM ${name} window runs out early`,
    message: `At the current pace (${r.pointsPerHour} points an hour) your ${name} window runs out ${when}, ${countdown(r.beforeResetMs)} before it resets at ${show(input.resetsAt)}. GLM-4.7 stretches what is left.`,
    variant: "warning",
  }
}
