import { describe, it, expect } from "vitest"
import { TZDate } from "@date-fns/tz"
import {
  DEFAULT_PEAK_SCHEDULE,
  formatClock,
  formatDayClock,
  isQuotaPeak,
  peakState,
  type PeakSchedule,
  type PeakState,
} from "../../src/core/time/peak.ts"
import { parsePeakSchedule } from "../../src/core/time/peak-schedule.ts"

/** An instant from a wall clock in a zone (month is 1-based here). */
const wall = (zone: string, y: number, mo: number, d: number, h: number, mi = 0): Date =>
  new Date(new TZDate(y, mo - 1, d, h, mi, zone).getTime())

const beijing = (y: number, mo: number, d: number, h: number, mi = 0): Date => wall("Asia/Shanghai", y, mo, d, h, mi)

const OFF = (nextStartsAt: string): PeakState => ({
  active: false,
  periods: [],
  endsAt: null,
  nextStartsAt,
  glm5Multiplier: 1,
})
const ON = (periods: string[], endsAt: string, glm5Multiplier: number): PeakState => ({
  active: true,
  periods,
  endsAt,
  nextStartsAt: null,
  glm5Multiplier,
})

// Wed 2026-03-04 (Beijing = UTC+8, no DST). Peak 14:00–18:00 Beijing = 06:00–10:00Z.
const WED_END = "2026-03-04T10:00:00.000Z"
const THU_START = "2026-03-05T06:00:00.000Z"
const WED_START = "2026-03-04T06:00:00.000Z"
const MON_START = "2026-03-09T06:00:00.000Z"

// The default schedule names no multiplier: what the quota peak costs is the plan's, from the dated catalog (the
// report sets it; test/core/catalog.test.ts). peakState alone says 1.
describe("peakState with the default schedule (Beijing wall clock)", () => {
  const cases: { label: string; at: Date; expected: PeakState }[] = [
    { label: "Wed 13:59", at: beijing(2026, 3, 4, 13, 59), expected: OFF(WED_START) },
    { label: "Wed 14:00", at: beijing(2026, 3, 4, 14, 0), expected: ON(["quota"], WED_END, 1) },
    { label: "Wed 15:00", at: beijing(2026, 3, 4, 15, 0), expected: ON(["quota", "throttle"], WED_END, 1) },
    { label: "Wed 17:59", at: beijing(2026, 3, 4, 17, 59), expected: ON(["quota", "throttle"], WED_END, 1) },
    { label: "Wed 18:00", at: beijing(2026, 3, 4, 18, 0), expected: OFF(THU_START) },
    { label: "Fri 18:00", at: beijing(2026, 3, 6, 18, 0), expected: OFF(MON_START) },
    { label: "Sat 13:59", at: beijing(2026, 3, 7, 13, 59), expected: OFF(MON_START) },
    { label: "Sat 14:00", at: beijing(2026, 3, 7, 14, 0), expected: OFF(MON_START) },
    { label: "Sat 15:00", at: beijing(2026, 3, 7, 15, 0), expected: OFF(MON_START) },
    { label: "Sat 17:59", at: beijing(2026, 3, 7, 17, 59), expected: OFF(MON_START) },
    { label: "Sun 15:00", at: beijing(2026, 3, 8, 15, 0), expected: OFF(MON_START) },
    { label: "Sun 18:00", at: beijing(2026, 3, 8, 18, 0), expected: OFF(MON_START) },
  ]
  it.each(cases)("$label", ({ at, expected }) => {
    expect(peakState(at)).toEqual(expected)
  })

  it("uses the default schedule when none is given", () => {
    const at = beijing(2026, 3, 4, 15)
    expect(peakState(at)).toEqual(peakState(at, DEFAULT_PEAK_SCHEDULE))
  })
})

describe("peakState is the same whichever zone the user is in", () => {
  // The same Beijing instants, built from the wall clock each user sees.
  const cases: { label: string; instants: Date[]; expected: PeakState }[] = [
    {
      label: "Wed 13:59 Beijing",
      instants: [
        wall("UTC", 2026, 3, 4, 5, 59),
        beijing(2026, 3, 4, 13, 59),
        wall("America/New_York", 2026, 3, 4, 0, 59),
      ],
      expected: OFF(WED_START),
    },
    {
      label: "Wed 14:00 Beijing",
      instants: [wall("UTC", 2026, 3, 4, 6), beijing(2026, 3, 4, 14), wall("America/New_York", 2026, 3, 4, 1)],
      expected: ON(["quota"], WED_END, 1),
    },
    {
      label: "Wed 15:00 Beijing",
      instants: [wall("UTC", 2026, 3, 4, 7), beijing(2026, 3, 4, 15), wall("America/New_York", 2026, 3, 4, 2)],
      expected: ON(["quota", "throttle"], WED_END, 1),
    },
    {
      label: "Wed 17:59 Beijing",
      instants: [
        wall("UTC", 2026, 3, 4, 9, 59),
        beijing(2026, 3, 4, 17, 59),
        wall("America/New_York", 2026, 3, 4, 4, 59),
      ],
      expected: ON(["quota", "throttle"], WED_END, 1),
    },
    {
      label: "Wed 18:00 Beijing",
      instants: [wall("UTC", 2026, 3, 4, 10), beijing(2026, 3, 4, 18), wall("America/New_York", 2026, 3, 4, 5)],
      expected: OFF(THU_START),
    },
    {
      label: "Sat 15:00 Beijing",
      instants: [wall("UTC", 2026, 3, 7, 7), beijing(2026, 3, 7, 15), wall("America/New_York", 2026, 3, 7, 2)],
      expected: OFF(MON_START),
    },
    {
      label: "Sun 15:00 Beijing",
      instants: [wall("UTC", 2026, 3, 8, 7), beijing(2026, 3, 8, 15), wall("America/New_York", 2026, 3, 8, 3)],
      expected: OFF(MON_START),
    },
  ]
  it.each(cases)("$label", ({ instants, expected }) => {
    for (const at of instants) expect(peakState(at)).toEqual(expected)
    expect(new Set(instants.map((at) => at.getTime())).size).toBe(1)
  })
})

describe("New York users across the US DST changes", () => {
  it("Mon 2026-03-09 01:30 EDT is 13:30 Beijing (a fixed EST offset would say 14:30, peak)", () => {
    const at = wall("America/New_York", 2026, 3, 9, 1, 30)
    expect(at.toISOString()).toBe("2026-03-09T05:30:00.000Z")
    expect(peakState(at)).toEqual(OFF("2026-03-09T06:00:00.000Z"))
    expect(formatClock(peakState(at).nextStartsAt ?? "", "America/New_York")).toBe("02:00")
  })

  it("Mon 2026-03-09 05:30 EDT is 17:30 Beijing (a fixed EST offset would say 18:30, off-peak)", () => {
    const at = wall("America/New_York", 2026, 3, 9, 5, 30)
    const state = peakState(at)
    expect(state).toEqual(ON(["quota", "throttle"], "2026-03-09T10:00:00.000Z", 1))
    expect(formatClock(state.endsAt ?? "", "America/New_York")).toBe("06:00")
  })

  it("Fri 2026-03-06 01:30 EST (before the change) is 14:30 Beijing, quota peak", () => {
    expect(peakState(wall("America/New_York", 2026, 3, 6, 1, 30))).toEqual(ON(["quota"], "2026-03-06T10:00:00.000Z", 1))
  })

  it("Mon 2026-11-02 01:30 EST is 14:30 Beijing (a fixed EDT offset would say 13:30, off-peak)", () => {
    const at = wall("America/New_York", 2026, 11, 2, 1, 30)
    expect(at.toISOString()).toBe("2026-11-02T06:30:00.000Z")
    expect(peakState(at)).toEqual(ON(["quota"], "2026-11-02T10:00:00.000Z", 1))
  })

  it("Mon 2026-11-02 05:00 EST is 18:00 Beijing (a fixed EDT offset would say 17:00, peak)", () => {
    expect(peakState(wall("America/New_York", 2026, 11, 2, 5))).toEqual(OFF("2026-11-03T06:00:00.000Z"))
  })

  it("Fri 2026-10-30 05:00 EDT (before the change) is already 17:00 Beijing", () => {
    expect(peakState(wall("America/New_York", 2026, 10, 30, 5))).toEqual(
      ON(["quota", "throttle"], "2026-10-30T10:00:00.000Z", 1),
    )
  })
})

describe("Friday evening in New York is Saturday in Beijing", () => {
  it.each([
    { ny: [2026, 3, 6, 18, 0], beijing: "Sat 07:00" },
    { ny: [2026, 3, 6, 23, 30], beijing: "Sat 12:30" },
    { ny: [2026, 10, 30, 21, 0], beijing: "Sat 09:00" },
  ] as const)("NY $ny → Beijing $beijing: off-peak, next peak Monday 14:00 Beijing", ({ ny, beijing: expected }) => {
    const at = wall("America/New_York", ny[0], ny[1], ny[2], ny[3], ny[4])
    expect(formatDayClock(at.toISOString(), "Asia/Shanghai")).toBe(expected)
    const state = peakState(at)
    expect(state.active).toBe(false)
    expect(formatDayClock(state.nextStartsAt ?? "", "Asia/Shanghai")).toBe("Mon 14:00")
  })

  it("the next start from Friday evening NY before the March change lands after it (Mon 02:00 EDT)", () => {
    const state = peakState(wall("America/New_York", 2026, 3, 6, 20))
    expect(state.nextStartsAt).toBe(MON_START)
    expect(formatDayClock(state.nextStartsAt ?? "", "America/New_York")).toBe("Mon 02:00")
  })

  it("but early Friday morning in New York is Friday peak in Beijing", () => {
    expect(peakState(wall("America/New_York", 2026, 3, 6, 3)).periods).toEqual(["quota", "throttle"])
  })
})

describe("peakState with custom schedules", () => {
  const berlin: PeakSchedule = {
    timeZone: "Europe/Berlin",
    periods: [{ name: "quota", days: [1, 2, 3, 4, 5], start: "09:00", end: "12:00", glm5Multiplier: 2 }],
    offPeakGlm5Multiplier: 0.5,
  }

  it("follows the schedule zone across its own DST change (Europe/Berlin, 2026-03-29)", () => {
    expect(peakState(new Date("2026-03-23T08:00:00Z"), berlin)).toEqual(ON(["quota"], "2026-03-23T11:00:00.000Z", 2))
    expect(peakState(new Date("2026-03-30T07:00:00Z"), berlin)).toEqual(ON(["quota"], "2026-03-30T10:00:00.000Z", 2))
    expect(peakState(new Date("2026-03-30T06:59:00Z"), berlin)).toEqual({
      active: false,
      periods: [],
      endsAt: null,
      nextStartsAt: "2026-03-30T07:00:00.000Z",
      glm5Multiplier: 0.5,
    })
    expect(peakState(new Date("2026-03-27T11:00:00Z"), berlin).nextStartsAt).toBe("2026-03-30T07:00:00.000Z")
  })

  it("chains contiguous and overlapping periods into one endsAt", () => {
    const schedule: PeakSchedule = {
      timeZone: "UTC",
      periods: [
        { name: "a", days: [3], start: "10:00", end: "12:00" },
        { name: "b", days: [3], start: "12:00", end: "13:00", glm5Multiplier: 2 },
        { name: "c", days: [3], start: "12:30", end: "14:00" },
      ],
      offPeakGlm5Multiplier: 1,
    }
    expect(peakState(new Date("2026-03-04T11:00:00Z"), schedule)).toEqual(ON(["a"], "2026-03-04T14:00:00.000Z", 1))
    expect(peakState(new Date("2026-03-04T12:45:00Z"), schedule)).toEqual(ON(["b", "c"], "2026-03-04T14:00:00.000Z", 2))
  })

  it("runs a period with end ≤ start past midnight, and accepts 24:00", () => {
    const schedule: PeakSchedule = {
      timeZone: "UTC",
      periods: [
        { name: "night", days: [5], start: "22:00", end: "02:00" },
        { name: "late", days: [4], start: "20:00", end: "24:00" },
      ],
      offPeakGlm5Multiplier: 1,
    }
    expect(peakState(new Date("2026-03-07T01:00:00Z"), schedule)).toEqual(ON(["night"], "2026-03-07T02:00:00.000Z", 1))
    expect(peakState(new Date("2026-03-07T02:00:00Z"), schedule).nextStartsAt).toBe("2026-03-12T20:00:00.000Z")
    expect(peakState(new Date("2026-03-05T23:59:00Z"), schedule).endsAt).toBe("2026-03-06T00:00:00.000Z")
  })

  it("reports no next start when no period starts within 8 days", () => {
    const empty: PeakSchedule = { timeZone: "Asia/Shanghai", periods: [], offPeakGlm5Multiplier: 1 }
    expect(peakState(beijing(2026, 3, 4, 15), empty)).toEqual({
      active: false,
      periods: [],
      endsAt: null,
      nextStartsAt: null,
      glm5Multiplier: 1,
    })
  })
})

describe("isQuotaPeak", () => {
  it("is true inside the default quota peak and false outside", () => {
    expect(isQuotaPeak(peakState(beijing(2026, 3, 4, 14)))).toBe(true)
    expect(isQuotaPeak(peakState(beijing(2026, 3, 4, 18)))).toBe(false)
    expect(isQuotaPeak(peakState(beijing(2026, 3, 7, 15)))).toBe(false)
  })

  it("is false for a throttle-only peak and true for a period named quota without a multiplier", () => {
    expect(isQuotaPeak(ON(["throttle"], WED_END, 1))).toBe(false)
    expect(isQuotaPeak(ON(["quota"], WED_END, 1))).toBe(true)
  })

  it("with the schedule: a period of its own naming a multiplier above its off-peak one is a quota peak", () => {
    const schedule: PeakSchedule = {
      timeZone: "Asia/Shanghai",
      periods: [
        { name: "busy", days: [3], start: "14:00", end: "18:00", glm5Multiplier: 3 },
        { name: "throttle", days: [3], start: "15:00", end: "18:00", glm5Multiplier: 2 },
      ],
      offPeakGlm5Multiplier: 2,
    }
    expect(isQuotaPeak(ON(["throttle"], WED_END, 2), schedule)).toBe(false)
    expect(isQuotaPeak(ON(["busy"], WED_END, 3), schedule)).toBe(true)
    expect(isQuotaPeak(ON(["busy"], WED_END, 3))).toBe(false)
    expect(isQuotaPeak({ ...OFF(THU_START), glm5Multiplier: 2 }, schedule)).toBe(false)
  })
})

describe("a schedule written in a zone whose DST change skips midnight", () => {
  // America/Santiago, Sun 2026-09-06: 00:00 does not exist (clocks go from 24:00 Saturday, UTC−4, to 01:00, UTC−3).
  const daily: PeakSchedule = {
    timeZone: "America/Santiago",
    periods: [{ name: "quota", days: [1, 2, 3, 4, 5, 6, 7], start: "10:00", end: "11:00", glm5Multiplier: 3 }],
    offPeakGlm5Multiplier: 1,
  }
  it("finds the next day's period across the missing midnight, at its new offset", () => {
    expect(peakState(wall("America/Santiago", 2026, 9, 5, 23, 30), daily)).toEqual(OFF("2026-09-06T13:00:00.000Z"))
    expect(peakState(wall("America/Santiago", 2026, 9, 6, 10, 30), daily)).toEqual(
      ON(["quota"], "2026-09-06T14:00:00.000Z", 3),
    )
  })
})

describe("formatClock and formatDayClock", () => {
  const iso = "2026-03-04T10:00:00.000Z"
  it.each([
    ["UTC", "10:00", "Wed 10:00"],
    ["Asia/Shanghai", "18:00", "Wed 18:00"],
    ["America/New_York", "05:00", "Wed 05:00"],
  ])("in %s", (zone, clock, dayClock) => {
    expect(formatClock(iso, zone)).toBe(clock)
    expect(formatDayClock(iso, zone)).toBe(dayClock)
  })

  it("follows DST in the user's zone and crosses the date line", () => {
    expect(formatClock("2026-03-09T10:00:00.000Z", "America/New_York")).toBe("06:00")
    expect(formatDayClock("2026-03-09T02:00:00.000Z", "America/New_York")).toBe("Sun 22:00")
    expect(formatDayClock("2026-03-09T02:00:00.000Z", "Asia/Shanghai")).toBe("Mon 10:00")
  })

  it("uses a 24-hour clock with leading zeros", () => {
    expect(formatClock("2026-03-04T01:05:00.000Z", "UTC")).toBe("01:05")
    expect(formatClock("2026-03-04T15:05:00.000Z", "UTC")).toBe("15:05")
  })

  it("does not throw on an invalid instant or zone", () => {
    expect(formatClock("not a date", "UTC")).toBe("--:--")
    expect(formatClock(iso, "Mars/Olympus")).toBe("--:--")
    expect(formatDayClock("", "UTC")).toBe("--- --:--")
  })
})

describe("parsePeakSchedule", () => {
  it("accepts a valid full override", () => {
    const { schedule, problems } = parsePeakSchedule({
      timeZone: "Europe/Berlin",
      periods: [{ name: "quota", days: [1, 2, 3, 4, 5], start: "09:00", end: "12:00", glm5Multiplier: 2 }],
      offPeakGlm5Multiplier: 0.5,
    })
    expect(problems).toEqual([])
    expect(schedule).toEqual({
      timeZone: "Europe/Berlin",
      periods: [{ name: "quota", days: [1, 2, 3, 4, 5], start: "09:00", end: "12:00", glm5Multiplier: 2 }],
      offPeakGlm5Multiplier: 0.5,
    })
  })

  it("keeps the base for fields a partial override leaves out", () => {
    const { schedule, problems } = parsePeakSchedule({ offPeakGlm5Multiplier: 0.5 })
    expect(problems).toEqual([])
    expect(schedule).toEqual({ ...DEFAULT_PEAK_SCHEDULE, offPeakGlm5Multiplier: 0.5 })
    expect(schedule.periods).not.toBe(DEFAULT_PEAK_SCHEDULE.periods)
  })

  it("accepts an empty period list (no peaks) and merges onto a given base", () => {
    const base: PeakSchedule = { timeZone: "UTC", periods: [], offPeakGlm5Multiplier: 2 }
    expect(parsePeakSchedule({ periods: [] }).schedule.periods).toEqual([])
    expect(parsePeakSchedule({ timeZone: "Asia/Tokyo" }, base).schedule).toEqual({ ...base, timeZone: "Asia/Tokyo" })
  })

  it("reports an invalid time zone and falls back to the base zone", () => {
    const { schedule, problems } = parsePeakSchedule({ timeZone: "Mars/Olympus", offPeakGlm5Multiplier: 2 })
    expect(schedule.timeZone).toBe("Asia/Shanghai")
    expect(schedule.offPeakGlm5Multiplier).toBe(2)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain("timeZone")
    expect(parsePeakSchedule({ timeZone: 8 }).problems[0]).toContain("timeZone")
    expect(parsePeakSchedule({ timeZone: "" }).problems[0]).toContain("timeZone")
  })

  it.each(["9:00", "25:00", "14:60", "24:00", "2pm", 1400])(
    "reports start %j as invalid and keeps the base periods",
    (start) => {
      const { schedule, problems } = parsePeakSchedule({
        periods: [
          { name: "ok", days: [1], start: "10:00", end: "11:00" },
          { name: "bad", days: [1], start, end: "18:00" },
        ],
      })
      expect(schedule.periods).toEqual(DEFAULT_PEAK_SCHEDULE.periods)
      expect(problems).toEqual([expect.stringContaining("periods[1].start")])
    },
  )

  it("reports bad end, days, name, multiplier and equal start/end by field", () => {
    const { schedule, problems } = parsePeakSchedule({
      periods: [
        { name: "", days: [0, 8], start: "10:00", end: "10:00", glm5Multiplier: "3" },
        { name: "x", days: [1], start: "10:00", end: "24:01" },
      ],
    })
    expect(schedule.periods).toEqual(DEFAULT_PEAK_SCHEDULE.periods)
    const text = problems.join("\n")
    for (const field of [
      "periods[0].name",
      "periods[0].days",
      "periods[0].end",
      "periods[0].glm5Multiplier",
      "periods[1].end",
    ]) {
      expect(text).toContain(field)
    }
  })

  it.each([["hello"], [42], [[1, 2]], [true]])("reports garbage input %j and returns the base", (input) => {
    const { schedule, problems } = parsePeakSchedule(input)
    expect(schedule).toEqual(DEFAULT_PEAK_SCHEDULE)
    expect(problems).toHaveLength(1)
  })

  it("treats null and undefined as no override", () => {
    expect(parsePeakSchedule(null)).toEqual({ schedule: DEFAULT_PEAK_SCHEDULE, problems: [] })
    expect(parsePeakSchedule(undefined)).toEqual({ schedule: DEFAULT_PEAK_SCHEDULE, problems: [] })
  })

  it("reports wrong-typed fields and ignores unknown ones", () => {
    const { schedule, problems } = parsePeakSchedule({ periods: "weekdays", offPeakGlm5Multiplier: "2", colour: "red" })
    expect(schedule).toEqual(DEFAULT_PEAK_SCHEDULE)
    expect(problems).toEqual([expect.stringContaining("periods"), expect.stringContaining("offPeakGlm5Multiplier")])
  })

  it("never throws, even on an object with a throwing getter", () => {
    const hostile = Object.defineProperty({}, "timeZone", {
      enumerable: true,
      get: () => {
        throw new Error("boom")
      },
    })
    const result = parsePeakSchedule(hostile)
    expect(result.schedule).toEqual(DEFAULT_PEAK_SCHEDULE)
    expect(result.problems.length).toBeGreaterThan(0)
  })
})
