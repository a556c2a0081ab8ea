// Countdowns and clock times: one rounding rule (the nearest unit shown), never NaN, the year when it is not this one.
import { describe, expect, it } from "vitest"
import { clockIn, countdown } from "../../src/core/text/format.ts"

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR

describe("countdown", () => {
  it("rounds to the nearest unit shown: minutes below a day, hours from a day", () => {
    expect(countdown(2 * HOUR + 41 * MIN + 29_000)).toBe("2h 41m")
    expect(countdown(2 * HOUR + 41 * MIN + 31_000)).toBe("2h 42m")
    expect(countdown(59 * MIN + 45_000)).toBe("1h")
    expect(countdown(4 * DAY + 23 * HOUR + 59 * MIN)).toBe("5d") // the --line's ↻5d and the widget agree
    expect(countdown(3 * DAY + 9 * HOUR + 20 * MIN)).toBe("3d 9h")
    expect(countdown(3 * DAY + 9 * HOUR + 40 * MIN)).toBe("3d 10h")
    expect(countdown(23 * HOUR + 59 * MIN + 50_000)).toBe("1d")
  })
  it("a passed, absent or broken instant is never NaN", () => {
    expect(countdown(0)).toBe("now")
    expect(countdown(-5 * MIN)).toBe("now")
    expect(countdown(Number.NaN)).toBe("now")
    expect(countdown(30_000)).toBe("under a minute")
  })
})

describe("clockIn", () => {
  const now = new Date("2026-12-30T10:00:00Z")
  it("the time today, the weekday within the week, the date beyond, the year when it is another one", () => {
    expect(clockIn("2026-12-30T18:12:00Z", "UTC", now)).toBe("18:12")
    expect(clockIn("2027-01-02T00:48:00Z", "UTC", now)).toBe("Sat 00:48")
    expect(clockIn("2026-12-16T10:00:00Z", "UTC", now)).toBe("Dec 16 10:00")
    expect(clockIn("2027-01-20T07:30:00Z", "UTC", now)).toBe("Jan 20 2027 07:30")
  })
  it("an instant that is none reads as such, never NaN", () => {
    expect(clockIn("not a date", "UTC", now)).toBe("an unknown time")
    expect(clockIn("2027-01-20T07:30:00Z", "UTC", new Date(Number.NaN))).toBe("an unknown time")
  })
})
