// The line format and the roll-up: round trips, torn lines, totals kept, idempotence.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { HOUR_MS, type LocalEvent, type LocalRecord } from "../../src/core/record/records.ts"
import { decodeLine, encodeRecord, parseLines, UNKNOWN } from "../../src/local/codec.ts"
import { rollUp } from "../../src/local/rollup.ts"

const T = Date.parse("2026-03-02T12:00:00.000Z")
const id = fc.string({ maxLength: 40, unit: "binary" })
const t = fc.integer({ min: T - 3 * 24 * HOUR_MS, max: T })
const n = fc.nat({ max: 2_000_000 })
const event: fc.Arbitrary<LocalEvent> = fc.oneof(
  fc.record({ t, kind: fc.constant("prompt" as const), session: id, model: id }),
  fc.record({
    t,
    kind: fc.constant("call" as const),
    session: id,
    model: id,
    input: n,
    output: n,
    cacheRead: n,
    cacheWrite: n,
  }),
  fc.record({ t, kind: fc.constant("mcp" as const), session: id, tool: id }),
  fc.record({
    t,
    kind: fc.constant("snapshot" as const),
    fiveHour: fc.option(fc.integer({ min: 0, max: 100 })),
    weekly: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
    fiveHourResetsAt: fc.option(fc.constant("2026-03-02T14:00:00.000Z")),
    weeklyResetsAt: fc.option(fc.constant("2026-03-06T01:00:00.000Z")),
  }),
)

describe("the line format", () => {
  it("round-trips every event, one line each, far under 4 KiB", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const text = events.map((e) => encodeRecord(e)!).join("")
        for (const e of events) expect(Buffer.byteLength(encodeRecord(e)!)).toBeLessThan(1024)
        const parsed = parseLines(text)
        expect(parsed.bad).toBe(0)
        expect(parsed.records).toEqual(events.map((e) => (Object.is(e.t, -0) ? { ...e, t: 0 } : e)))
      }),
    )
  })

  it("recovers a whole line glued after a torn one, wherever the tear", () => {
    const whole = encodeRecord({
      t: T,
      kind: "call",
      session: "ses_x",
      model: "glm-5",
      input: 1,
      output: 2,
      cacheRead: 3,
      cacheWrite: 4,
    })!
    const next = encodeRecord({ t: T + 1, kind: "prompt", session: "ses_y", model: "glm-4.7" })!
    for (let cut = 1; cut < whole.length - 1; cut++) {
      const glued = whole.slice(0, cut) + next
      expect(parseLines(glued)).toEqual({
        records: [{ t: T + 1, kind: "prompt", session: "ses_y", model: "glm-4.7" }],
        bad: 0,
        good: 1,
      })
    }
  })

  it("skips kinds from a newer version without counting them as damage, and rejects malformed ones", () => {
    expect(decodeLine('["z",1,"future"]')).toBe(UNKNOWN)
    expect(parseLines('["z",1,"future"]\n["p",5,"s","m"]\n')).toEqual({
      records: [{ t: 5, kind: "prompt", session: "s", model: "m" }],
      bad: 0,
      good: 2,
    })
    for (const bad of [
      '["p",1,"s"]',
      '["c",1,"s","m",1,2,3,-4]',
      '["p",-1,"s","m"]',
      '{"t":1}',
      "[]",
      '["s",1,"x",null,null,null]',
      '["h",1,"s","m",1,1,1,1,1,1,{"x":-1}]',
    ]) {
      expect(decodeLine(bad)).toBeNull()
    }
  })
})

describe("the roll-up", () => {
  const totals = (records: LocalRecord[]) => {
    const s = { prompts: 0, calls: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, mcp: 0 }
    for (const r of records) {
      if (r.kind === "prompt") s.prompts++
      else if (r.kind === "call") {
        s.calls++
        s.input += r.input
        s.output += r.output
        s.cacheRead += r.cacheRead
        s.cacheWrite += r.cacheWrite
      } else if (r.kind === "mcp") s.mcp++
      else if (r.kind === "hour") {
        s.prompts += r.prompts
        s.calls += r.calls
        s.input += r.input
        s.output += r.output
        s.cacheRead += r.cacheRead
        s.cacheWrite += r.cacheWrite
        for (const v of Object.values(r.mcp)) s.mcp += v
      }
    }
    return s
  }

  it("keeps every total, leaves recent events raw, keeps one snapshot an hour, and a second run changes nothing", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 80 }), fc.integer({ min: 0, max: 72 }), (events, hoursBack) => {
        const rollBefore = Math.floor(T / HOUR_MS) * HOUR_MS - hoursBack * HOUR_MS
        const once = rollUp(events, { rollBefore, dropBefore: 0 })
        expect(totals(once.records)).toEqual(totals(events))
        expect(once.records.filter((r) => r.kind !== "hour" && r.kind !== "snapshot" && r.t < rollBefore)).toEqual([])
        expect(once.records.filter((r) => r.t >= rollBefore && r.kind !== "hour")).toEqual(
          events.filter((r) => r.t >= rollBefore),
        )
        const oldSnaps = once.records.filter((r) => r.kind === "snapshot" && r.t < rollBefore)
        expect(new Set(oldSnaps.map((r) => Math.floor(r.t / HOUR_MS))).size).toBe(oldSnaps.length)
        // through the line format and back, then again: nothing more to do
        const reread = parseLines(once.records.map((r) => encodeRecord(r)!).join("")).records
        const twice = rollUp(reread, { rollBefore, dropBefore: 0 })
        expect(twice.changed).toBe(false)
        expect(twice.records).toEqual(reread)
      }),
    )
  })

  it("drops records before the retention instant", () => {
    const r = rollUp(
      [
        { t: 10, kind: "prompt", session: "s", model: "m" },
        { t: 3 * HOUR_MS, kind: "prompt", session: "s", model: "m" },
      ],
      { rollBefore: 0, dropBefore: HOUR_MS },
    )
    expect(r).toEqual({ records: [{ t: 3 * HOUR_MS, kind: "prompt", session: "s", model: "m" }], changed: true })
  })
})
