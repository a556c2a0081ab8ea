// Today's segment rolled up beside it (src/local/checkpoint.ts): the segment itself untouched (older versions read it
// whole), readers take the roll-up plus what was appended after it, and every figure the report reads stays exact.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { HOUR_MS, MINUTE_MS, type LocalEvent, type LocalRecord, type TurnEvent } from "../../src/core/record/records.ts"
import { summarise } from "../../src/core/record/summary.ts"
import { turnsOf } from "../../src/core/record/turns.ts"
import { PLAN_CATALOG } from "../../src/core/plans/plan-catalog.ts"
import { checkpointName } from "../../src/local/checkpoint.ts"
import { parseLines } from "../../src/local/codec.ts"
import { dayIndex, segmentName } from "../../src/local/segment.ts"
import { LocalStore } from "../../src/local/store.ts"

const DAY0 = Date.parse("2026-03-02T00:00:00.000Z")
const TODAY = segmentName(dayIndex(DAY0))

let dir: string
let now: number
let store: LocalStore
let appended: LocalEvent[]

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), "glmq-cp-")), "glm-quota")
  now = DAY0
  appended = []
  store = new LocalStore({ dir, now: () => new Date(now) }) // the default roll-up age: six hours
})

afterEach(() => {
  store.close()
  rmSync(join(dir, ".."), { recursive: true, force: true })
})

const turn = (t: number, id: string): TurnEvent => ({
  t,
  kind: "turn",
  id,
  session: "ses_a",
  model: "glm-5",
  single: true,
  startedAt: t - 30_000,
  phase: "offPeak",
  calls: 3,
  input: 1000,
  cacheRead: 2000,
  output: 300,
  mcp: 1,
  credits: 1.5,
  delta: null,
  shared: false,
})

/** Busy use from `from` to `to`: a prompt, 3 calls, an MCP call and a turn every 10 minutes, a snapshot every 5. */
function fill(from: number, to: number): void {
  const add = (e: LocalEvent) => {
    now = Math.max(now, e.t)
    expect(store.append(e)).toBe(true)
    appended.push(e)
  }
  for (let t = from; t < to; t += 5 * MINUTE_MS) {
    add({
      t,
      kind: "snapshot",
      fiveHour: (t / MINUTE_MS) % 100,
      weekly: 10,
      fiveHourResetsAt: null,
      weeklyResetsAt: null,
    })
    if ((t / MINUTE_MS) % 10 !== 0) continue
    const session = `ses_${Math.floor(t / (2 * HOUR_MS)) % 3}`
    add({ t, kind: "prompt", session, model: t % (20 * MINUTE_MS) === 0 ? "glm-5" : "glm-4.7" })
    for (let i = 1; i <= 3; i++)
      add({
        t: t + i * 1000,
        kind: "call",
        session,
        model: "glm-5",
        input: 100 * i,
        output: 7,
        cacheRead: 30,
        cacheWrite: 4,
      })
    add({ t: t + 4000, kind: "mcp", session, tool: t % (30 * MINUTE_MS) === 0 ? "zread" : "search-prime" })
    add(turn(t + 5000, `${session}:${t}`))
  }
}

const summary = (records: readonly LocalRecord[]) =>
  summarise({ records, now: new Date(now), plan: "max", catalog: PLAN_CATALOG })
const raw = (): LocalRecord[] => parseLines(readFileSync(join(dir, TODAY), "utf8")).records
const fresh = () => new LocalStore({ dir, now: () => new Date(now) })

describe("today's segment, rolled up beside it", () => {
  it("is read through the roll-up with every figure of the report exact, and the segment untouched", () => {
    fill(DAY0, DAY0 + 15 * HOUR_MS)
    now = DAY0 + 15 * HOUR_MS + 10 * MINUTE_MS
    const bytes = readFileSync(join(dir, TODAY))
    const before = store.read(0).records

    const result = store.compact()
    expect(result.checkpointed).toEqual([TODAY])
    expect(result.rewritten).toEqual([])
    // the segment is what the writers wrote: an older version, which ignores the checkpoint, reads every event
    expect(readFileSync(join(dir, TODAY))).toEqual(bytes)
    expect(raw()).toEqual(appended)

    const after = fresh().read(0).records
    // events of the hours before 09:00 (six hours before 15:10, to the hour) come as hourly aggregates
    const cutoff = DAY0 + 9 * HOUR_MS
    expect(after.filter((r) => (r.kind === "call" || r.kind === "prompt" || r.kind === "mcp") && r.t < cutoff)).toEqual(
      [],
    )
    expect(after.filter((r) => r.kind === "hour").length).toBeGreaterThan(0)
    expect(after.length).toBeLessThan(before.length * 0.6)
    // the 5-hour window, the burn, the sessions, the 30-day MCP context: the same report
    expect(summary(after)).toEqual(summary(before))
    // turns survive whole, every line of them
    const turns = (rs: readonly LocalRecord[]) => rs.filter((r) => r.kind === "turn")
    expect(turns(after)).toEqual(turns(before))
    expect(turnsOf(after)).toEqual(turnsOf(before))

    // nothing new is due: no new checkpoint
    expect(store.compact().checkpointed).toEqual([])
  })

  it("reads what was appended after the roll-up, in the store and in a live view, and renews it as hours close", () => {
    fill(DAY0, DAY0 + 12 * HOUR_MS)
    now = DAY0 + 12 * HOUR_MS
    expect(store.compact().checkpointed).toEqual([TODAY])
    const live = fresh().live()
    expect(summary(live.read(0).records)).toEqual(summary(appended))

    fill(DAY0 + 12 * HOUR_MS, DAY0 + 14 * HOUR_MS)
    now = DAY0 + 14 * HOUR_MS
    const all = [...appended]
    expect(summary(fresh().read(0).records)).toEqual(summary(all))
    expect(summary(live.read(0).records)).toEqual(summary(all))
    // two more hours are due: the checkpoint is renewed, and the answer stays the same
    const sizeBefore = readFileSync(join(dir, checkpointName(TODAY))).length
    expect(store.compact().checkpointed).toEqual([TODAY])
    expect(summary(fresh().read(0).records)).toEqual(summary(all))
    expect(
      fresh()
        .read(0)
        .records.filter((r) => r.kind === "call" && r.t < DAY0 + 8 * HOUR_MS),
    ).toEqual([])
    expect(readFileSync(join(dir, checkpointName(TODAY))).length).toBeGreaterThan(sizeBefore / 2)
  })

  it("is ignored when the segment is no longer the file it was made from", () => {
    fill(DAY0, DAY0 + 12 * HOUR_MS)
    now = DAY0 + 12 * HOUR_MS
    expect(store.compact().checkpointed).toEqual([TODAY])
    const path = join(dir, TODAY)
    const calls = (rs: readonly LocalRecord[]) => rs.filter((r) => r.kind === "call").length
    expect(calls(fresh().read(0).records)).toBeLessThan(calls(appended))

    // the same bytes in a new file (another inode): read whole
    writeFileSync(path + ".copy", readFileSync(path))
    renameSync(path + ".copy", path)
    expect(calls(fresh().read(0).records)).toBe(calls(appended))
    expect(store.compact().checkpointed).toEqual([TODAY])
    expect(calls(fresh().read(0).records)).toBeLessThan(calls(appended))

    // the same inode, the bytes just before the roll-up's end changed in place: read whole
    const text = readFileSync(path, "utf8")
    const at = text.lastIndexOf('"glm-5"')
    writeFileSync(path, text.slice(0, at) + '"glm-6"' + text.slice(at + 7), { flag: "r+" })
    const after = fresh().read(0).records
    expect(calls(after)).toBe(calls(appended))
    expect(after.some((r) => "model" in r && r.model === "glm-6")).toBe(true)

    // truncated below the roll-up's end: read whole (what is left of it)
    expect(store.compact().checkpointed).toEqual([TODAY])
    truncateSync(path, 100)
    expect(fresh().read(0).records.length).toBeLessThanOrEqual(2)
  })

  it("gives way to the compacted segment when the day closes, and is removed", () => {
    // the day's last event at 17:00, rolled up whole at 23:00: closing the day adds nothing to roll up, and still the
    // raw segment must be compacted
    fill(DAY0, DAY0 + 17 * HOUR_MS)
    now = DAY0 + 23 * HOUR_MS
    expect(store.compact().checkpointed).toEqual([TODAY])
    const raw = appended.length
    // the grace hour after midnight: still a checkpoint; then the segment itself is compacted
    now = DAY0 + 25 * HOUR_MS
    const result = store.compact()
    expect(result.rewritten).toEqual([TODAY])
    expect(result.removed).toEqual([checkpointName(TODAY)])
    expect(existsSync(join(dir, checkpointName(TODAY)))).toBe(false)
    const lines = readFileSync(join(dir, TODAY), "utf8").trimEnd().split("\n").length
    expect(lines).toBeLessThan(raw / 2)
    expect(summary(fresh().read(0).records)).toEqual(summary(appended))
  })

  it("leaves nothing behind for a segment that is gone", () => {
    fill(DAY0, DAY0 + 12 * HOUR_MS)
    now = DAY0 + 12 * HOUR_MS
    expect(store.compact().checkpointed).toEqual([TODAY])
    store.close()
    rmSync(join(dir, TODAY))
    expect(store.compact().removed).toEqual([checkpointName(TODAY)])
    expect(fresh().read(0).records).toEqual([])
  })
})
