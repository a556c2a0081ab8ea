// A turn line in this machine's record: written and read back whole, damaged ones refused, kept by compaction.
import { describe, expect, it } from "vitest"
import type { TurnEvent } from "../../src/core/record/records.ts"
import { decodeLine, encodeRecord } from "../../src/local/codec.ts"
import { rollUp } from "../../src/local/rollup.ts"

const TURN: TurnEvent = {
  t: 1_796_103_000_000,
  kind: "turn",
  id: "ses_1:1796102940000",
  session: "ses_1",
  model: "glm-5.3",
  single: true,
  startedAt: 1_796_102_940_000,
  phase: "peak",
  calls: 3,
  input: 12_000,
  cacheRead: 30_000,
  output: 2_000,
  mcp: 1,
  credits: 19.38,
  delta: 20,
  shared: false,
}

describe("turn records", () => {
  it("round-trip, with null credits and delta kept null", () => {
    expect(decodeLine(encodeRecord(TURN)!.trimEnd())).toEqual(TURN)
    const unknown = { ...TURN, credits: null, delta: null, shared: true, phase: "offPeak" as const }
    expect(decodeLine(encodeRecord(unknown)!.trimEnd())).toEqual(unknown)
  })

  it("a damaged turn line is refused, not misread", () => {
    const line = encodeRecord(TURN)!.trimEnd()
    expect(decodeLine(line.replace(',"glm-5.3",1,', ',"glm-5.3",2,'))).toBeNull()
    expect(decodeLine(line.replace(/,0\]$/, "]"))).toBeNull()
  })

  it("compaction keeps turns whole while it rolls calls into hours", () => {
    const old = { ...TURN, t: 1_000 * 3_600_000 }
    const call = {
      t: old.t,
      kind: "call" as const,
      session: "s",
      model: "m",
      input: 1,
      output: 1,
      cacheRead: 0,
      cacheWrite: 0,
    }
    const r = rollUp([old, call], { rollBefore: 2_000 * 3_600_000, dropBefore: 0 })
    expect(r.records.filter((x) => x.kind === "turn")).toEqual([old])
    expect(r.records.some((x) => x.kind === "call")).toBe(false)
  })
})
