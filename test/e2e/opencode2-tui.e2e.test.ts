// The OpenCode 2.2.5 TUI under tmux, the package installed the 2.x way (the directory in `plugins`; its `./tui` loads
// with it): the quota on the home screen's footer before any prompt at 100x30 and 180x50 with OpenCode's own footer
// whole, /glm-quota answered in the TUI's dialog with no model call, the peak warning as one toast.
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY } from "../helpers.ts"
import { startMockModel, type MockModel } from "./mock-model.ts"
import { startTui2, type Tui2 } from "./opencode2.ts"
import { stopAll } from "./util.ts"

const SATURDAY = "2026-12-05T04:00:00Z" // 12:00 Beijing: off-peak
const MONDAY_PEAK = "2026-12-07T07:30:00Z" // 15:30 Beijing: quota and throttle peak

/** The footer row of the home screen: the last non-empty line. */
const footerRow = (screen: string) =>
  screen
    .split("\n")
    .filter((l) => l.trim() !== "")
    .at(-1) ?? ""

describe.sequential("OpenCode 2.2.5 TUI", () => {
  let sim: Simulator
  let mock: MockModel
  const tuis: Tui2[] = []
  const start = async (width: number, height: number, now = SATURDAY) => {
    const tui = await startTui2({
      width,
      height,
      modelUrl: mock.url,
      env: { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: now },
    })
    tuis.push(tui)
    return tui
  }

  beforeAll(async () => {
    sim = await startSimulator({ now: () => new Date(SATURDAY), state: { keys: [CANARY_KEY] } })
    mock = await startMockModel({})
  }, 60_000)

  afterAll(() => stopAll(...tuis, mock, sim))

  for (const [width, height] of [
    [100, 30],
    [180, 50],
  ] as const) {
    test(`${width}x${height}: the quota on the home screen before any prompt, OpenCode's footer whole`, async () => {
      const tui = await start(width, height)
      // Everything the test then reads, drawn: the quota line, the prompt, OpenCode's own model line.
      const drawn = (s: string) =>
        /GLM Pro 5h .*37 %/.test(footerRow(s)) && /Ask anything/.test(s) && /Build · /.test(s)
      const screen = await tui.waitFor(drawn, 60_000)
      const row = footerRow(screen)
      expect(row).toMatch(/wk .*41 %/)
      expect(row.trimEnd()).toMatch(/2\.2\.5$/)
      expect(row.length).toBeLessThanOrEqual(width)
      expect(screen).toMatch(/Ask anything/)
      expect(screen).toMatch(/Build · GLM-5\.3 Z\.AI Coding Plan/)
      await tui.stop()
    })
  }

  test("/glm-quota opens the report in the TUI's dialog; `doctor` the checks; no model request", async () => {
    const tui = await start(120, 40)
    await tui.waitFor((s) => /GLM Pro 5h/.test(footerRow(s)), 60_000)
    tui.type("/glm-quota ")
    tui.press("Enter")
    const dialog = await tui.waitFor(
      /GLM Coding Plan · Pro[\s\S]*5-hour[\s\S]*Weekly[\s\S]*Model: glm-[\s\S]*^\s+ok\s*$/m,
      20_000,
    )
    expect(dialog).not.toContain(CANARY_KEY)
    // Laid out for 2.x's dialog: its button on screen, and no reset line fallen out of its column.
    expect(dialog).toMatch(/^\s+ok\s*$/m)
    const left = dialog
      .split("\n")
      .find((l) => /5-hour/.test(l))!
      .indexOf("5-hour")
    expect(dialog.split("\n").filter((l) => l.indexOf("resets ") === left)).toEqual([])
    tui.press("Escape")
    await tui.waitFor((s) => !/5-hour .*█/.test(s.split("\n").slice(0, -2).join("\n")), 10_000)
    tui.type("/glm-quota doctor")
    tui.press("Enter")
    await tui.waitFor(/GLM Coding Plan set-up[\s\S]*key accepted/, 30_000)
    expect(mock.calls).toBe(0)
    await tui.stop()
  })

  test("180x50, in a session: the sidebar shows the plan, both windows and the model advice", async () => {
    const tui = await start(180, 50)
    await tui.waitFor((s) => /GLM Pro 5h/.test(footerRow(s)), 60_000)
    tui.type("hello")
    tui.press("Enter")
    const screen = await tui.waitFor(
      (s) => /mock reply/.test(s) && /GLM Coding Plan · Pro[\s\S]*Weekly/.test(s),
      60_000,
    )
    for (const line of screen.split("\n")) expect(line.length).toBeLessThanOrEqual(180)
    await tui.stop()
  })

  test("at the weekday peak: one toast says so, with the peak's end", async () => {
    const tui = await start(120, 40, MONDAY_PEAK)
    const screen = await tui.waitFor(/GLM peak hours/, 60_000)
    expect(screen.match(/GLM peak hours/g)).toHaveLength(1)
    expect(screen.replace(/\s+/g, " ")).toMatch(/until 18:00 Beijing time/)
    expect(footerRow(screen)).toMatch(/peak until/)
    await tui.stop()
  })
})
