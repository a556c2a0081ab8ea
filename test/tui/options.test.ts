// tui.json options: the widget place, the refresh interval (30 s minimum; a test-only env override), thresholds.
import { describe, expect, it } from "vitest"
import { parseTuiOptions, testRefreshMs, TEST_REFRESH_ENV } from "../../src/options/tui.ts"

describe("parseTuiOptions", () => {
  it("defaults: sidebar, 60 s, thresholds 80 and 95", () => {
    const { settings, problems } = parseTuiOptions(undefined)
    expect(problems).toEqual([])
    expect(settings).toMatchObject({ widget: "sidebar", refreshInterval: 60, thresholds: [80, 95], policy: "balanced" })
  })

  it("takes valid values", () => {
    const { settings, problems } = parseTuiOptions({
      widget: "prompt",
      refreshInterval: 45,
      thresholds: [95, 70],
      policy: "economy",
      region: "china",
    })
    expect(problems).toEqual([])
    expect(settings).toMatchObject({
      widget: "prompt",
      refreshInterval: 45,
      thresholds: [70, 95],
      policy: "economy",
      region: "china",
    })
    expect(parseTuiOptions({ widget: "off" }).settings.widget).toBe("off")
  })

  it("names every invalid value and falls back to its default", () => {
    const { settings, problems } = parseTuiOptions({
      widget: "footer",
      refreshInterval: 5,
      thresholds: [0, 500],
      toasts: true,
      colour: "red",
    })
    expect(settings).toMatchObject({ widget: "sidebar", refreshInterval: 60, thresholds: [80, 95] })
    // Unknown options first, in the order given; then each unusable value, in the option table's order.
    expect(problems).toEqual([
      "toasts (unknown option)",
      "colour (unknown option)",
      "widget (use sidebar, prompt or off)",
      "thresholds (expected percentages from 1 to 100; the default [80, 95] is used)",
      "refreshInterval (expected seconds from 30 to 3600; the default 60 is used)",
    ])
    expect(parseTuiOptions("sidebar").problems).toEqual(["options (expected an object)"])
  })

  it(`${TEST_REFRESH_ENV} (test-only) overrides the interval in milliseconds, below the minimum`, () => {
    expect(parseTuiOptions({}, { [TEST_REFRESH_ENV]: "4000" }).settings.refreshInterval).toBe(4)
    expect(parseTuiOptions({ refreshInterval: 90 }, { [TEST_REFRESH_ENV]: "1500" }).settings.refreshInterval).toBe(1.5)
    expect(testRefreshMs({ [TEST_REFRESH_ENV]: "50" })).toBeNull()
    expect(testRefreshMs({ [TEST_REFRESH_ENV]: "soon" })).toBeNull()
    expect(testRefreshMs({})).toBeNull()
  })
})
