// The turn meter over a real store in a temp dir: a turn's credits from its calls (subagents' included) at the phase
// it ran in, its counter change from the readings before and after it, "shared" when another session made calls
// meanwhile, and the report's turn figures read back from the same files the CLI reads.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { MODEL_CATALOG } from "../../src/core/plans/model-catalog.ts"
import { buildReport } from "../../src/core/report/report.ts"
import type { QuotaSnapshot } from "../../src/core/types.ts"
import { LocalStore } from "../../src/local/store.ts"
import { TurnMeter } from "../../src/quota/turn-meter.ts"

let dir: string
let clock: number
let reading: QuotaSnapshot | null
let store: LocalStore
const now = () => new Date(clock)

function snapshot(weeklyUsed: number, fiveUsed: number): QuotaSnapshot {
  return {
    plan: "pro",
    planLabel: "pro",
    region: "international",
    fetchedAt: new Date(clock).toISOString(),
    windows: [
      {
        kind: "five_hour",
        meter: "credits",
        usedPercent: Math.round(fiveUsed / 12) / 10,
        used: fiveUsed,
        limit: 12000,
        remaining: 12000 - fiveUsed,
        resetsAt: "2026-12-01T07:00:00.000Z",
      },
      {
        kind: "weekly",
        meter: "credits",
        usedPercent: Math.round(weeklyUsed / 60) / 10,
        used: weeklyUsed,
        limit: 60000,
        remaining: 60000 - weeklyUsed,
        resetsAt: "2026-12-04T08:00:00.000Z",
      },
    ],
  }
}

function meter(): TurnMeter {
  return new TurnMeter({
    now,
    append: (t) => store.append(t),
    records: () => store.read(0).records,
    reading: () => reading,
    refreshSoon: () => {},
    catalog: () => MODEL_CATALOG,
    // Mon–Fri 14:00–18:00 Beijing = 06:00–10:00 UTC
    phaseAt: (at) => (at.getUTCHours() >= 6 && at.getUTCHours() < 10 ? "peak" : "offPeak"),
    retryMs: 3_600_000,
  })
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "glmq-turns-"))
  clock = Date.parse("2026-12-01T05:00:00Z") // 13:00 Beijing, off-peak
  store = new LocalStore({ dir, now })
  reading = snapshot(20_000, 2_000)
})
afterEach(() => {
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

const call = (model: string, input: number, cacheRead: number, output: number) => ({ model, input, cacheRead, output })

describe("TurnMeter", () => {
  it("one turn: its calls and its subagent's, off-peak at half, one MCP call, recorded", () => {
    const m = meter()
    m.begin("root")
    m.link("child", "root")
    clock += 1000
    m.call("root", call("glm-5.3", 12_000, 30_000, 2_000)) // 18.18 at 1×
    m.call("child", call("glm-5.3", 12_000, 30_000, 2_000))
    m.mcp("child")
    clock += 1000
    const turn = m.end("root")!
    // (18.18 × 2 + 1.2) × 0.5 = 18.78
    expect(turn).toMatchObject({ credits: 18.78, calls: 2, mcp: 1, phase: "offPeak", model: "glm-5.3", single: true })
    expect(store.read(0).records.filter((r) => r.kind === "turn")).toHaveLength(1)
  })

  it("at the peak the same turn costs double, and the report says what it would cost after 18:00", () => {
    clock = Date.parse("2026-12-01T07:30:00Z") // 15:30 Beijing
    const m = meter()
    m.begin("s")
    m.call("s", call("glm-5.3", 12_000, 30_000, 2_000))
    expect(m.end("s")!.credits).toBe(18.18)
    const report = buildReport(reading!, { now: now(), local: store.read(0).records })
    expect(report.turns?.last).toMatchObject({ credits: 18.18, offPeakCredits: 9.09, phase: "peak" })
  })

  it("the counter change across a clean turn is exact; with another session's calls it is shared", () => {
    const m = meter()
    m.begin("s")
    clock += 1000
    m.call("s", call("glm-5.3", 12_000, 30_000, 2_000))
    clock += 1000
    m.end("s")
    clock += 60_000
    reading = snapshot(20_009, 2_009)
    m.onReading(reading)
    expect(m.last()).toMatchObject({ credits: 9.09, delta: 9, shared: false })

    m.begin("s")
    store.append({
      t: clock + 500,
      kind: "call",
      session: "other",
      model: "glm-4.7",
      input: 1,
      output: 1,
      cacheRead: 0,
      cacheWrite: 0,
    })
    clock += 1000
    m.call("s", call("glm-5.3", 12_000, 30_000, 2_000))
    clock += 1000
    m.end("s")
    clock += 60_000
    reading = snapshot(20_030, 2_030)
    m.onReading(reading)
    expect(m.last()).toMatchObject({ delta: 21, shared: true })
    // the record keeps each turn once (its last line)
    const report = buildReport(reading, { now: now(), local: store.read(0).records })
    expect(report.turns?.last).toMatchObject({ counterDelta: 21, estimate: true, credits: 9.09 })
  })

  it("the report: last 24 h median and largest, turns and windows left, the week's pace, what binds", () => {
    const m = meter()
    for (const out of [1_000, 2_000, 4_000]) {
      m.begin("s")
      m.call("s", call("glm-5.3", 0, 0, out)) // 2.4, 4.8, 9.6 at 1× → 1.2, 2.4, 4.8 off-peak
      clock += 60_000
      m.end("s")
    }
    const s = snapshot(51_600, 3_000) // 8,400 left this week, 9,000 in this 5-hour window
    const t = buildReport(s, { now: now(), local: store.read(0).records }).turns!
    expect(t.recent).toEqual({ turns: 3, median: 2.4, largest: 4.8 })
    expect(t.turnsLeft).toBe(Math.floor(9000 / 2.4))
    expect(t.windowsLeft).toBe(0) // 8,400 < one 12,000-credit window
    expect(t.weekBinds).toBe(true)
    expect(t.pace).toMatchObject({ usedPercent: 86, state: "ahead" })
  })

  it("a team member's key with a seat: this machine's turns against the seat's allowance", () => {
    const m = meter()
    m.begin("s")
    m.call("s", call("glm-5.3", 0, 0, 100_000)) // 240 at 1× → 120 off-peak
    clock += 60_000
    m.end("s")
    const team: QuotaSnapshot = { ...snapshot(0, 0), windows: [], account: "team_member" }
    const local = store.read(0).records
    const t = buildReport(team, { now: now(), local, seat: "standard" }).turns!
    expect(t.seat).toEqual({
      seat: "standard",
      fiveHourUsed: 120,
      weeklyUsed: 120,
      allowance: { fiveHour: 15_000, weekly: 66_000 },
    })
    expect(t.fiveHourLeft).toBe(14_880)
    expect(t.turnsLeft).toBe(124) // 14,880 / 120
    expect(t.windowsLeft).toBe(4) // 65,880 / 15,000
    // without a seat nothing is counted against an allowance the API did not show
    expect(buildReport(team, { now: now(), local }).turns!.seat).toBeNull()
  })
})
