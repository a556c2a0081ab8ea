// The line of a turn record (codec.ts has the layout of every kind). Pure.
import type { TurnEvent } from "../core/record/records.ts"

/** Ids and model names are capped like every record's text (codec.ts's MAX_TEXT). */
const MAX_TEXT = 200
const text = (v: unknown): string => (typeof v === "string" ? (v.length > MAX_TEXT ? v.slice(0, MAX_TEXT) : v) : "")
const count = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.round(v) : 0)
const instant = (v: unknown): number | null =>
  typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : null
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0
const isText = (v: unknown): v is string => typeof v === "string"

const credit = (v: unknown): number | null =>
  typeof v === "number" && Number.isFinite(v) ? Math.round(v * 100) / 100 : null

export function encodeTurn(r: TurnEvent, t: number): unknown[] {
  const start = instant(r.startedAt) ?? t
  return [
    "t",
    t,
    text(r.id),
    text(r.session),
    text(r.model),
    r.single ? 1 : 0,
    start,
    r.phase === "peak" ? 1 : 0,
    count(r.calls),
    count(r.input),
    count(r.cacheRead),
    count(r.output),
    count(r.mcp),
    credit(r.credits),
    credit(r.delta),
    r.shared ? 1 : 0,
  ]
}

const isFlag = (v: unknown): v is 0 | 1 => v === 0 || v === 1
const isCredit = (v: unknown): v is number | null => v === null || (typeof v === "number" && Number.isFinite(v))

export function decodeTurn(v: unknown[], t: number): TurnEvent | null {
  if (v.length !== 16 || !isText(v[2]) || !isText(v[3]) || !isText(v[4])) return null
  if (!isFlag(v[5]) || !isCount(v[6]) || !isFlag(v[7]) || !isFlag(v[15])) return null
  const nums = v.slice(8, 13)
  if (!nums.every(isCount) || !isCredit(v[13]) || !isCredit(v[14])) return null
  const [calls, input, cacheRead, output, mcp] = nums as number[]
  return {
    t,
    kind: "turn",
    id: v[2],
    session: v[3],
    model: v[4],
    single: v[5] === 1,
    startedAt: v[6],
    phase: v[7] === 1 ? "peak" : "offPeak",
    calls: calls!,
    input: input!,
    cacheRead: cacheRead!,
    output: output!,
    mcp: mcp!,
    credits: v[13],
    delta: v[14],
    shared: v[15] === 1,
  }
}
