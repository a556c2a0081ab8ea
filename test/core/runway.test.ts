// The local window, burn rate and runway: pure functions over records with an injected clock.
import fc from "fast-check"
import { describe, expect, expectTypeOf, it } from "vitest"
import {
  FIVE_HOURS_MS,
  HOUR_MS,
  MINUTE_MS,
  DAY_MS,
  inFiveHourWindow,
  type CallEvent,
  type LocalRecord,
  type McpEvent,
  type PromptEvent,
  type SnapshotEvent,
} from "../../src/core/record/records.ts"
import { snapshotRate } from "../../src/core/record/pace.ts"
import { projectRunway, runway, type Runway } from "../../src/core/record/runway.ts"
import { summarise } from "../../src/core/record/summary.ts"
import { runwayWarning } from "../../src/core/report/warnings.ts"
import { PLAN_CATALOG } from "../../src/core/plans/plan-catalog.ts"

const NOW = new Date("2026-03-02T12:00:00.000Z")
const N = NOW.getTime()

const prompt = (t: number, session = "ses_a", model = "glm-5"): LocalRecord => ({ t, kind: "prompt", session, model })
const call = (t: number, session = "ses_a", tokens = 100, model = "glm-5"): LocalRecord => ({
  t,
  kind: "call",
  session,
  model,
  input: tokens,
  output: 10,
  cacheRead: 5,
  cacheWrite: 1,
})
const mcp = (t: number, tool: string, session = "ses_a"): LocalRecord => ({ t, kind: "mcp", session, tool })
const snap = (t: number, fiveHour: number | null, weekly: number | null = null): SnapshotEvent => ({
  t,
  kind: "snapshot",
  fiveHour,
  weekly,
  fiveHourResetsAt: null,
  weeklyResetsAt: null,
})

const sum = (records: LocalRecord[], plan: "lite" | "pro" | "max" | null = "pro") =>
  summarise({ records, now: NOW, plan, catalog: PLAN_CATALOG })

/** No NaN, Infinity or undefined anywhere: what JSON keeps is what was there. */
function expectJsonClean(value: unknown): void {
  const text = JSON.stringify(value)
  expect(text).not.toMatch(/NaN|Infinity/)
  expect(JSON.parse(text)).toEqual(value)
}

describe("the event types", () => {
  it("carry counts and ids, never prompt text", () => {
    expectTypeOf<keyof PromptEvent>().toEqualTypeOf<"t" | "kind" | "session" | "model">()
    expectTypeOf<keyof CallEvent>().toEqualTypeOf<
      "t" | "kind" | "session" | "model" | "input" | "output" | "cacheRead" | "cacheWrite"
    >()
    expectTypeOf<keyof McpEvent>().toEqualTypeOf<"t" | "kind" | "session" | "tool">()
    expectTypeOf<keyof SnapshotEvent>().toEqualTypeOf<
      "t" | "kind" | "fiveHour" | "weekly" | "fiveHourResetsAt" | "weeklyResetsAt"
    >()
  })
})

describe("the rolling 5-hour window", () => {
  it("drops an event exactly 5 hours old and keeps one a millisecond younger", () => {
    expect(inFiveHourWindow(N - FIVE_HOURS_MS, N)).toBe(false)
    expect(inFiveHourWindow(N - FIVE_HOURS_MS + 1, N)).toBe(true)
    expect(inFiveHourWindow(N, N)).toBe(true)
    expect(inFiveHourWindow(N + 1, N)).toBe(false)

    const s = sum([
      prompt(N - FIVE_HOURS_MS),
      call(N - FIVE_HOURS_MS),
      prompt(N - FIVE_HOURS_MS + 1),
      call(N - FIVE_HOURS_MS + 1),
      call(N),
    ])
    expect(s.prompts).toBe(1)
    expect(s.calls).toBe(2)
    expect(s.windowStart).toBe("2026-03-02T07:00:00.000Z")
    expect(s.oldestPromptAgesOutAt).toBe(new Date(N + 1).toISOString())
  })

  it("counts an event stamped after now (another clock) only once now reaches it", () => {
    const records = [prompt(N + 1000)]
    expect(sum(records).prompts).toBe(0)
    expect(summarise({ records, now: new Date(N + 1000), plan: null, catalog: PLAN_CATALOG }).prompts).toBe(1)
  })

  it("ages prompts out as the clock moves: the oldest one's age-out time is when the count drops", () => {
    const records = [prompt(N - 4 * HOUR_MS), prompt(N - 2 * HOUR_MS)]
    const s = sum(records)
    expect(s.prompts).toBe(2)
    expect(s.oldestPromptAgesOutAt).toBe(new Date(N + HOUR_MS).toISOString())
    const at = new Date(s.oldestPromptAgesOutAt!)
    expect(summarise({ records, now: new Date(at.getTime() - 1), plan: "pro", catalog: PLAN_CATALOG }).prompts).toBe(2)
    expect(summarise({ records, now: at, plan: "pro", catalog: PLAN_CATALOG }).prompts).toBe(1)
  })
})

describe("the summary", () => {
  it("counts prompts, calls, tokens and MCP calls per tool, with the plan's allowance", () => {
    const records: LocalRecord[] = [
      prompt(N - 3 * HOUR_MS, "ses_a"),
      ...Array.from({ length: 17 }, (_, i) => call(N - 3 * HOUR_MS + i * 1000, "ses_a", 1000)),
      prompt(N - 30 * MINUTE_MS, "ses_b"),
      ...Array.from({ length: 3 }, (_, i) => call(N - 30 * MINUTE_MS + i * 1000, "ses_b", 50_000)),
      mcp(N - 10 * MINUTE_MS, "search-prime"),
      mcp(N - 9 * MINUTE_MS, "search-prime"),
      mcp(N - 8 * MINUTE_MS, "zread", "ses_b"),
      mcp(N - 6 * HOUR_MS, "web-reader"),
    ]
    const s = sum(records, "pro")
    expect(s.prompts).toBe(2)
    expect(s.calls).toBe(20)
    expect(s.callsPerPrompt).toBe(10)
    expect(s.tokens).toEqual({
      input: 17 * 1000 + 3 * 50_000,
      output: 200,
      cacheRead: 100,
      cacheWrite: 20,
      total: 17_000 + 150_000 + 320,
    })
    expect(s.mcp).toEqual({ "search-prime": 2, zread: 1 })
    expect(s.mcpTotal).toBe(3)
    expect(s.mcp30d).toEqual({ "search-prime": 2, zread: 1, "web-reader": 1 })
    expect(s.mcp30dTotal).toBe(4)
    expect(s.allowance).toEqual({ plan: "pro", promptsPer5h: 600, remaining: 598, usedPercent: 0 })
    expect(s.burn.promptsPerHour).toBe(1)
    expect(s.burn.callsPerHour).toBe(3)
    // by calls: ses_a (17) before ses_b (3); by tokens the other way round
    expect(s.sessions.map((x) => x.session)).toEqual(["ses_a", "ses_b"])
    expect(s.sessions[0]).toEqual({ session: "ses_a", prompts: 1, calls: 17, tokens: 17 * 1016, mcp: 2 })
    const byTokens = summarise({
      records,
      now: NOW,
      plan: "pro",
      catalog: PLAN_CATALOG,
      rankBy: "tokens",
      topSessions: 1,
    })
    expect(byTokens.sessions.map((x) => x.session)).toEqual(["ses_b"])
    expectJsonClean(s)
  })

  it("has nulls, not NaN, with no prompt and no plan", () => {
    const s = sum([call(N - MINUTE_MS)], null)
    expect(s.prompts).toBe(0)
    expect(s.callsPerPrompt).toBeNull()
    expect(s.oldestPromptAgesOutAt).toBeNull()
    expect(s.allowance).toEqual({ plan: null, promptsPer5h: null, remaining: null, usedPercent: null })
    expect(s.burn.pointsPerHour).toEqual({ fiveHour: null, weekly: null })
    expectJsonClean(s)
    expectJsonClean(sum([], "max"))
  })

  it("counts MCP calls of the last 30 days, dropping one exactly 30 days old", () => {
    const s = sum([mcp(N - 30 * DAY_MS, "zread"), mcp(N - 30 * DAY_MS + 1, "zread"), mcp(N - 29 * DAY_MS, "vision")])
    expect(s.mcp30d).toEqual({ vision: 1, zread: 1 })
    expect(s.mcp).toEqual({})
  })

  it("accepts hourly aggregates, which stand at their hour's start", () => {
    const hourStart = N - 4 * HOUR_MS
    const records: LocalRecord[] = [
      {
        t: hourStart,
        kind: "hour",
        session: "ses_old",
        model: "glm-5",
        prompts: 3,
        calls: 50,
        input: 1000,
        output: 100,
        cacheRead: 10,
        cacheWrite: 1,
        mcp: {},
      },
      {
        t: hourStart,
        kind: "hour",
        session: "ses_old",
        model: "",
        prompts: 0,
        calls: 0,
        input: 0,
        output: 0,
        cacheRead: 0,
        cacheWrite: 0,
        mcp: { "search-prime": 4 },
      },
      {
        t: N - 10 * DAY_MS,
        kind: "hour",
        session: "ses_older",
        model: "",
        prompts: 0,
        calls: 0,
        input: 0,
        output: 0,
        cacheRead: 0,
        cacheWrite: 0,
        mcp: { zread: 2 },
      },
      {
        t: N - FIVE_HOURS_MS,
        kind: "hour",
        session: "ses_gone",
        model: "glm-5",
        prompts: 9,
        calls: 9,
        input: 9,
        output: 9,
        cacheRead: 9,
        cacheWrite: 9,
        mcp: {},
      },
      prompt(N - MINUTE_MS, "ses_new"),
    ]
    const s = sum(records)
    expect(s.prompts).toBe(4)
    expect(s.calls).toBe(50)
    expect(s.tokens.input).toBe(1000)
    expect(s.mcp).toEqual({ "search-prime": 4 })
    expect(s.mcp30d).toEqual({ "search-prime": 4, zread: 2 })
    expect(s.oldestPromptAgesOutAt).toBe(new Date(hourStart + FIVE_HOURS_MS).toISOString())
    expect(s.sessions[0]).toEqual({ session: "ses_old", prompts: 3, calls: 50, tokens: 1111, mcp: 4 })
    expect(s.sessions.map((x) => x.session)).not.toContain("ses_gone")
  })

  it("stays JSON-clean for any records", () => {
    const record = fc.oneof(
      fc.record({
        t: fc.integer({ min: N - 40 * DAY_MS, max: N + HOUR_MS }),
        kind: fc.constant("prompt" as const),
        session: fc.string(),
        model: fc.string(),
      }),
      fc.record({
        t: fc.integer({ min: N - 40 * DAY_MS, max: N + HOUR_MS }),
        kind: fc.constant("call" as const),
        session: fc.constantFrom("a", "b", "__proto__", "constructor"),
        model: fc.string(),
        input: fc.nat(),
        output: fc.nat(),
        cacheRead: fc.nat(),
        cacheWrite: fc.nat(),
      }),
      fc.record({
        t: fc.integer({ min: N - 40 * DAY_MS, max: N + HOUR_MS }),
        kind: fc.constant("mcp" as const),
        session: fc.string(),
        tool: fc.constantFrom("zread", "__proto__", "toString", ""),
      }),
      fc.record({
        t: fc.integer({ min: N - 2 * HOUR_MS, max: N + HOUR_MS }),
        kind: fc.constant("snapshot" as const),
        fiveHour: fc.option(fc.integer({ min: 0, max: 100 })),
        weekly: fc.option(fc.integer({ min: 0, max: 100 })),
        fiveHourResetsAt: fc.constant(null),
        weeklyResetsAt: fc.constant(null),
      }),
    )
    fc.assert(
      fc.property(fc.array(record, { maxLength: 60 }), fc.constantFrom("lite", "pro", "max", null), (records, plan) => {
        const s = summarise({ records: records as LocalRecord[], now: NOW, plan, catalog: PLAN_CATALOG })
        expectJsonClean(s)
        for (const w of ["five_hour", "weekly"] as const) {
          const r = runway({
            window: w,
            usedPercent: 50,
            resetsAt: new Date(N + HOUR_MS).toISOString(),
            records: records as LocalRecord[],
            now: NOW,
          })
          expectJsonClean(r)
        }
      }),
      { numRuns: 200 },
    )
  })
})

/** Snapshots every `stepMin` minutes over the last `spanMin` minutes, the percent given by `f(minutesAgo)`. */
function history(
  spanMin: number,
  stepMin: number,
  f: (minutesAgo: number) => number,
  window: "five" | "weekly" = "five",
): SnapshotEvent[] {
  const out: SnapshotEvent[] = []
  for (let ago = spanMin; ago >= 0; ago -= stepMin) {
    const v = f(ago)
    out.push(window === "five" ? snap(N - ago * MINUTE_MS, v) : snap(N - ago * MINUTE_MS, null, v))
  }
  return out
}

const IN_2H = new Date(N + 2 * HOUR_MS).toISOString()

describe("burn rate from API snapshots", () => {
  it("steady: 1 point every 5 minutes is 12 points an hour", () => {
    const records = history(60, 5, (ago) => 40 - ago / 5)
    const rate = snapshotRate(records, "five_hour", NOW)
    expect(rate).toEqual({
      pointsPerHour: 12,
      from: new Date(N - HOUR_MS).toISOString(),
      to: NOW.toISOString(),
      samples: 13,
    })
    expect(sum(records).burn.pointsPerHour).toEqual({ fiveHour: 12, weekly: null })
  })

  it("bursty: flat for 40 minutes, then 20 points in 20 minutes, is 20 points an hour over the hour", () => {
    const records = history(60, 5, (ago) => (ago >= 20 ? 50 : 50 + (20 - ago)))
    expect(snapshotRate(records, "five_hour", NOW)?.pointsPerHour).toBe(20)
  })

  it("idle: a flat percent is 0 points an hour", () => {
    expect(
      snapshotRate(
        history(60, 5, () => 33),
        "five_hour",
        NOW,
      )?.pointsPerHour,
    ).toBe(0)
  })

  it("uses only the snapshots after the latest reset (a drop in percent)", () => {
    // 80 → 90 over the first 30 minutes, reset to 0, then 0 → 6 over the last 30 minutes (12 an hour)
    const records = history(60, 5, (ago) => (ago > 30 ? 80 + (60 - ago) / 3 : (30 - ago) / 5))
    const rate = snapshotRate(records, "five_hour", NOW)
    expect(rate?.pointsPerHour).toBe(12)
    expect(rate?.from).toBe(new Date(N - 30 * MINUTE_MS).toISOString())
    expect(rate?.samples).toBe(7)
  })

  it("a reset just now leaves too few snapshots: no data", () => {
    const records = [...history(60, 5, (ago) => 90 - ago / 10).slice(0, -1), snap(N, 1)]
    expect(snapshotRate(records, "five_hour", NOW)).toBeNull()
  })

  it("has no rate from one snapshot, snapshots under 10 minutes apart, stale ones, or nulls", () => {
    expect(snapshotRate([], "five_hour", NOW)).toBeNull()
    expect(snapshotRate([snap(N, 10)], "five_hour", NOW)).toBeNull()
    expect(snapshotRate([snap(N - 5 * MINUTE_MS, 10), snap(N, 30)], "five_hour", NOW)).toBeNull()
    expect(snapshotRate([snap(N - 3 * HOUR_MS, 10), snap(N - 2 * HOUR_MS, 30)], "five_hour", NOW)).toBeNull()
    expect(
      snapshotRate(
        history(60, 5, () => 10, "weekly"),
        "five_hour",
        NOW,
      ),
    ).toBeNull()
    // a snapshot exactly one hour old still counts
    expect(snapshotRate([snap(N - HOUR_MS, 10), snap(N, 30)], "five_hour", NOW)?.pointsPerHour).toBe(20)
  })

  it("reads the weekly window separately", () => {
    const records = history(60, 10, (ago) => 70 - ago / 30, "weekly")
    expect(snapshotRate(records, "weekly", NOW)?.pointsPerHour).toBe(2)
    expect(snapshotRate(records, "five_hour", NOW)).toBeNull()
  })

  it("prompts and calls per hour count the last hour (an hour-old event is out)", () => {
    const s = sum([prompt(N - HOUR_MS), prompt(N - HOUR_MS + 1), call(N - HOUR_MS), call(N - 1), call(N)])
    expect(s.burn.promptsPerHour).toBe(1)
    expect(s.burn.callsPerHour).toBe(2)
  })
})

describe("runway", () => {
  const at = (records: LocalRecord[], usedPercent: number | null, resetsAt: string | null = IN_2H): Runway =>
    runway({ window: "five_hour", usedPercent, resetsAt, records, now: NOW })

  it("steady: 40 % used at 12 points an hour runs out in 5 h — after a reset 2 h away: ok", () => {
    const r = at(
      history(60, 5, (ago) => 40 - ago / 5),
      40,
    )
    expect(r).toEqual({ state: "ok", pointsPerHour: 12, exhaustsAt: null })
  })

  it("bursty: 70 % used at 20 points an hour runs out in 1.5 h, 30 minutes before the reset", () => {
    const r = at(
      history(60, 5, (ago) => (ago >= 20 ? 50 : 50 + (20 - ago))),
      70,
    )
    expect(r).toEqual({
      state: "runs_out",
      pointsPerHour: 20,
      exhaustsAt: new Date(N + 90 * MINUTE_MS).toISOString(),
      beforeResetMs: 30 * MINUTE_MS,
    })
  })

  it("already at 100 % with a pace: runs out now", () => {
    const r = at(
      history(60, 5, (ago) => 100 - ago / 5),
      100,
    )
    expect(r).toEqual({
      state: "runs_out",
      pointsPerHour: 12,
      exhaustsAt: NOW.toISOString(),
      beforeResetMs: 2 * HOUR_MS,
    })
  })

  it("idle: no burn; a pace at or below zero: no burn", () => {
    expect(
      at(
        history(60, 5, () => 33),
        33,
      ),
    ).toEqual({ state: "no_burn" })
    expect(projectRunway(33, IN_2H, 0, NOW)).toEqual({ state: "no_burn" })
    expect(projectRunway(33, IN_2H, -4, NOW)).toEqual({ state: "no_burn" })
  })

  it("draining (old usage ageing out): every drop counts as a reset, so there is no pace to project", () => {
    expect(
      at(
        history(60, 5, (ago) => 33 + ago / 10),
        33,
      ),
    ).toEqual({ state: "no_data" })
    // draining, then flat for 15 minutes: a pace of 0
    expect(
      at(
        history(60, 5, (ago) => (ago >= 15 ? 30 + ago / 15 : 31)),
        31,
      ),
    ).toEqual({ state: "no_burn" })
  })

  it("no data: no snapshots, one snapshot, no current percent, no reset, a reset in the past", () => {
    const steady = history(60, 5, (ago) => 40 - ago / 5)
    expect(at([], 40)).toEqual({ state: "no_data" })
    expect(at([snap(N, 40)], 40)).toEqual({ state: "no_data" })
    expect(at(steady, null)).toEqual({ state: "no_data" })
    expect(at(steady, 40, null)).toEqual({ state: "no_data" })
    expect(at(steady, 40, "not a date")).toEqual({ state: "no_data" })
    expect(at(steady, 40, new Date(N - 1).toISOString())).toEqual({ state: "no_data" })
    for (const r of [at([], 40), at(steady, 40)]) expectJsonClean(r)
  })

  it("exhausting exactly at the reset lasts", () => {
    expect(projectRunway(76, IN_2H, 12, NOW)).toEqual({ state: "ok", pointsPerHour: 12, exhaustsAt: null })
    expect(projectRunway(77, IN_2H, 12, NOW).state).toBe("runs_out")
  })
})

describe("the runway warning", () => {
  const resetsAt = IN_2H

  it("warns once per window when the window runs out more than 15 minutes before its reset", () => {
    const r = projectRunway(70, resetsAt, 20, NOW)
    const w = runwayWarning({
      window: "five_hour",
      resetsAt,
      runway: r,
      now: NOW,
      formatTime: (iso) => iso.slice(11, 16),
    })
    expect(w).toEqual({
      key: `runway:five_hour:${resetsAt}`,
      title: "GLM 5-hour window runs out early",
      message:
        "At the current pace (20 points an hour) your 5-hour window runs out in 1h 30m (13:30), 30m before it resets at 14:00. GLM-4.7 stretches what is left.",
      variant: "warning",
    })
    // the same window keeps its key as the pace changes; the next window gets a new one
    const later = runwayWarning({
      window: "five_hour",
      resetsAt,
      runway: projectRunway(80, resetsAt, 30, NOW),
      now: NOW,
    })
    expect(later?.key).toBe(w?.key)
    const next = new Date(N + 7 * HOUR_MS).toISOString()
    expect(
      runwayWarning({ window: "five_hour", resetsAt: next, runway: projectRunway(10, next, 30, NOW), now: NOW })?.key,
    ).toBe(`runway:five_hour:${next}`)
  })

  it("stays quiet at exactly 15 minutes before the reset, and when the window lasts or there is no data", () => {
    const fifteen: Runway = {
      state: "runs_out",
      pointsPerHour: 30,
      exhaustsAt: new Date(N + 105 * MINUTE_MS).toISOString(),
      beforeResetMs: 15 * MINUTE_MS,
    }
    expect(runwayWarning({ window: "weekly", resetsAt, runway: fifteen, now: NOW })).toBeNull()
    expect(
      runwayWarning({ window: "weekly", resetsAt, runway: { ...fifteen, beforeResetMs: 15 * MINUTE_MS + 1 }, now: NOW })
        ?.title,
    ).toBe("GLM weekly window runs out early")
    expect(
      runwayWarning({
        window: "weekly",
        resetsAt,
        runway: { state: "ok", pointsPerHour: 1, exhaustsAt: null },
        now: NOW,
      }),
    ).toBeNull()
    expect(runwayWarning({ window: "weekly", resetsAt, runway: { state: "no_data" }, now: NOW })).toBeNull()
    expect(runwayWarning({ window: "weekly", resetsAt, runway: { state: "no_burn" }, now: NOW })).toBeNull()
  })
})
