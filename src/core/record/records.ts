import type { Phase } from "../types.ts"
// What this machine records: the events the plugin writes and the hourly aggregates compaction rolls them into, as
// the store (src/local/) keeps them and the summary (core/summary.ts) reads them. Pure: types, units and the window
// test.
//
// Boundaries (explicit, and tested):
// - A window of length L ending at `now` is the half-open interval (now − L, now]. An event exactly L old has
//   aged out; an event stamped after `now` (another clock) is not counted yet.
// - Hourly aggregates (`kind: "hour"`, written by compaction for records older than six hours in closed segments)
//   stand at their hour's start `t`: they count in a window when that instant does.

export const MINUTE_MS = 60_000
export const HOUR_MS = 60 * MINUTE_MS
export const FIVE_HOURS_MS = 5 * HOUR_MS
export const DAY_MS = 24 * HOUR_MS

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

/**
 * One finished turn of a user's session — every model call of it, its subagents' included — and what it cost. A turn
 * is written when it ends and again, under the same `id`, when the credit counter's change across it is known: the
 * last line of an id is the turn (core/turns.ts). Kept whole by compaction (a few hundred lines a day at most).
 */
export interface TurnEvent {
  /** When the turn ended. */
  t: number
  kind: "turn"
  id: string
  session: string
  /** The model with most of the turn's tokens; `single` says whether it made every call. */
  model: string
  single: boolean
  startedAt: number
  /** The phase the turn started in. */
  phase: Phase
  calls: number
  /** Fresh input (cache writes included), cache reads and output (reasoning included) over every call. */
  input: number
  cacheRead: number
  output: number
  mcp: number
  /** Credits by the formula at the phase each call ran in; null when a model's multipliers are unknown. */
  credits: number | null
  /** The credit counter's change across the turn; null without counters or before a reading after it came. */
  delta: number | null
  /** Other sessions made calls while the counter moved: the delta is theirs too (an estimate). */
  shared: boolean
}

export type LocalEvent = PromptEvent | CallEvent | McpEvent | SnapshotEvent | TurnEvent

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

/** The token counts a call or an aggregate carries. */
export interface Tokens {
  input: number
  output: number
  cacheRead: number
  cacheWrite: number
}

/** Adds the token counts of `from` to `into` (the summary and the roll-up both add calls and aggregates up). */
export function addTokens(into: Tokens, from: Tokens): void {
  into.input += from.input
  into.output += from.output
  into.cacheRead += from.cacheRead
  into.cacheWrite += from.cacheWrite
}

/** input + output + cache read + cache write */
export const tokenSum = (t: Tokens): number => t.input + t.output + t.cacheRead + t.cacheWrite

/** Whether instant `t` lies in the window of length `lengthMs` ending at `nowMs`: (now − length, now]. */
export function inWindow(t: number, nowMs: number, lengthMs: number): boolean {
  return t > nowMs - lengthMs && t <= nowMs
}

/** Whether `t` counts in the rolling 5-hour window ending at `nowMs`. Exactly 5 hours old: aged out. */
export function inFiveHourWindow(t: number, nowMs: number): boolean {
  return inWindow(t, nowMs, FIVE_HOURS_MS)
}
