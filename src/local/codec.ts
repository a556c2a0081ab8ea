// One record per line, as a compact JSON array led by a one-letter kind. Pure.
//
//   ["p", t, session, model]                                                    prompt
//   ["c", t, session, model, input, output, cacheRead, cacheWrite]              model call
//   ["m", t, session, tool]                                                     MCP call
//   ["s", t, fiveHour, weekly, fiveHourResetsAt, weeklyResetsAt]                API snapshot
//   ["h", t, session, model, prompts, calls, input, output, cacheRead, cacheWrite, {tool: n}]   hourly aggregate
//   ["t", t, id, session, model, single, startedAt, peak, calls, input, cacheRead, output, mcp, credits, delta, shared]
//                                                                               a turn (0/1 flags, credits 2 decimals)
//
// Arrays rather than objects: a model-call line is ~85 bytes instead of ~115, which is what keeps 30 days of Max-plan
// use under 5 MB (see bench/local.ts). Every line starts with `["`, which is how a line glued to a torn one (a crash
// mid-write, then another append) is recovered. Unknown kinds are skipped, not errors (a newer writer may add some);
// lengths are exact, so a new field means a new kind letter.
import type { HourAggregate, LocalEvent, LocalRecord } from "../core/record/records.ts"
import { decodeTurn, encodeTurn } from "./codec-turn.ts"

/** A line is written with one write(2); kept far below 4 KiB (strings are capped). */
export const MAX_LINE_BYTES = 4096
/** Session ids, model ids and tool names are capped at this many characters. */
export const MAX_TEXT = 200

const text = (v: unknown): string => (typeof v === "string" ? (v.length > MAX_TEXT ? v.slice(0, MAX_TEXT) : v) : "")
const count = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.round(v) : 0)
const percent = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null)
const iso = (v: unknown): string | null => (typeof v === "string" && v.length <= 64 ? v : null)
const instant = (v: unknown): number | null =>
  typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : null

function toolCounts(mcp: Record<string, number>): Record<string, number> {
  const out = new Map<string, number>()
  for (const tool in mcp) {
    const n = count(mcp[tool])
    if (n > 0) out.set(text(tool), (out.get(text(tool)) ?? 0) + n)
  }
  return Object.fromEntries(out)
}

/** The line (with its newline) for a record; null when it cannot be written (no valid `t`, unknown kind, too long). */
export function encodeRecord(r: LocalRecord): string | null {
  const t = instant(r.t)
  if (t === null) return null
  let value: unknown[]
  switch (r.kind) {
    case "prompt":
      value = ["p", t, text(r.session), text(r.model)]
      break
    case "call":
      value = [
        "c",
        t,
        text(r.session),
        text(r.model),
        count(r.input),
        count(r.output),
        count(r.cacheRead),
        count(r.cacheWrite),
      ]
      break
    case "mcp":
      value = ["m", t, text(r.session), text(r.tool)]
      break
    case "snapshot":
      value = ["s", t, percent(r.fiveHour), percent(r.weekly), iso(r.fiveHourResetsAt), iso(r.weeklyResetsAt)]
      break
    case "turn":
      value = encodeTurn(r, t)
      break
    case "hour": {
      const tools = toolCounts(r.mcp)
      value = [
        "h",
        t,
        text(r.session),
        text(r.model),
        count(r.prompts),
        count(r.calls),
        count(r.input),
        count(r.output),
        count(r.cacheRead),
        count(r.cacheWrite),
      ]
      if (Object.keys(tools).length > 0) value.push(tools)
      break
    }
    default:
      return null
  }
  const line = JSON.stringify(value) + "\n"
  return Buffer.byteLength(line) > MAX_LINE_BYTES ? null : line
}

export function encodeEvent(e: LocalEvent): string | null {
  return encodeRecord(e)
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0
const isText = (v: unknown): v is string => typeof v === "string"
const isPercent = (v: unknown): v is number | null => v === null || (typeof v === "number" && Number.isFinite(v))
const isIso = (v: unknown): v is string | null => v === null || typeof v === "string"

function decodeTools(v: unknown): Record<string, number> | null {
  if (v === undefined) return {}
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null
  const out = new Map<string, number>()
  for (const [tool, n] of Object.entries(v)) {
    if (!isCount(n)) return null
    out.set(tool, n)
  }
  return Object.fromEntries(out)
}

/** Not a record we know how to read, but not damage either (a kind from a newer version). */
export const UNKNOWN = Symbol("unknown kind")

/** A parsed JSON value → a record; null when it is damaged; UNKNOWN when it is a well-formed line of another kind. */
export function decodeValue(v: unknown): LocalRecord | null | typeof UNKNOWN {
  if (!Array.isArray(v) || v.length < 2) return null
  const [k, t] = v as unknown[]
  if (typeof k !== "string" || !isCount(t)) return null
  switch (k) {
    case "p":
      if (v.length !== 4 || !isText(v[2]) || !isText(v[3])) return null
      return { t, kind: "prompt", session: v[2], model: v[3] }
    case "c": {
      if (v.length !== 8 || !isText(v[2]) || !isText(v[3])) return null
      const [input, output, cacheRead, cacheWrite] = [v[4], v[5], v[6], v[7]]
      if (!isCount(input) || !isCount(output) || !isCount(cacheRead) || !isCount(cacheWrite)) return null
      return { t, kind: "call", session: v[2], model: v[3], input, output, cacheRead, cacheWrite }
    }
    case "m":
      if (v.length !== 4 || !isText(v[2]) || !isText(v[3])) return null
      return { t, kind: "mcp", session: v[2], tool: v[3] }
    case "t":
      return decodeTurn(v, t)
    case "s": {
      if (v.length !== 6) return null
      const [fiveHour, weekly, fiveHourResetsAt, weeklyResetsAt] = [v[2], v[3], v[4], v[5]]
      if (!isPercent(fiveHour) || !isPercent(weekly) || !isIso(fiveHourResetsAt) || !isIso(weeklyResetsAt)) return null
      return { t, kind: "snapshot", fiveHour, weekly, fiveHourResetsAt, weeklyResetsAt }
    }
    case "h": {
      if ((v.length !== 10 && v.length !== 11) || !isText(v[2]) || !isText(v[3])) return null
      const nums = v.slice(4, 10)
      if (!nums.every(isCount)) return null
      const mcp = decodeTools(v[10])
      if (mcp === null) return null
      const [prompts, calls, input, output, cacheRead, cacheWrite] = nums as number[]
      const h: HourAggregate = {
        t,
        kind: "hour",
        session: v[2],
        model: v[3],
        prompts: prompts!,
        calls: calls!,
        input: input!,
        output: output!,
        cacheRead: cacheRead!,
        cacheWrite: cacheWrite!,
        mcp,
      }
      return h
    }
    default:
      return UNKNOWN
  }
}

/** How every line begins: `["`. */
const LINE_START = '["'

function parseOne(line: string): LocalRecord | null | typeof UNKNOWN {
  try {
    return decodeValue(JSON.parse(line))
  } catch {
    return null
  }
}

/**
 * One line → a record. A line that does not parse may be a torn fragment (a crash mid-write) with a whole line glued
 * after it: the whole line is recovered from the first `["` at which the rest parses.
 */
export function decodeLine(line: string): LocalRecord | null | typeof UNKNOWN {
  const direct = parseOne(line)
  if (direct !== null) return direct
  for (let at = line.indexOf(LINE_START, 1); at > 0; at = line.indexOf(LINE_START, at + 1)) {
    const tail = parseOne(line.slice(at))
    if (tail !== null) return tail
  }
  return null
}

export interface ParsedLines {
  records: LocalRecord[]
  /** Whole lines that held no record (damaged). Empty lines are not counted. */
  bad: number
  /** Whole lines that were read as records. */
  good: number
}

function lineCount(s: string): number {
  let n = 1
  for (let at = s.indexOf("\n"); at !== -1; at = s.indexOf("\n", at + 1)) n++
  return n
}

/**
 * Whole lines (each ending in "\n"; text after the last newline must be cut off by the caller) → records.
 * Fast path: the whole chunk as one JSON array; on any damage, line by line.
 */
export function parseLines(body: string): ParsedLines {
  const records: LocalRecord[] = []
  if (body.length === 0) return { records, bad: 0, good: 0 }
  const trimmed = body.endsWith("\n") ? body.slice(0, -1) : body
  let values: unknown[] | null = null
  try {
    const all: unknown = JSON.parse("[" + trimmed.replaceAll("\n", ",") + "]")
    // Two fragments can join into one valid value: the fast path holds only when there is one value per line.
    if (Array.isArray(all) && all.length === lineCount(trimmed)) values = all
  } catch {
    values = null
  }
  let bad = 0
  let good = 0
  if (values !== null) {
    let ok = true
    for (const v of values) {
      const r = decodeValue(v)
      if (r === null) {
        ok = false
        break
      }
      if (r !== UNKNOWN) records.push(r)
      good++
    }
    if (ok) return { records, bad, good }
    records.length = 0
    good = 0
  }
  for (const line of trimmed.split("\n")) {
    if (line.length === 0) continue
    const r = decodeLine(line)
    if (r === null) {
      bad++
      continue
    }
    good++
    if (r !== UNKNOWN) records.push(r)
  }
  return { records, bad, good }
}
