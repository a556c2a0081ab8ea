// The server half's /glm-quota typed in the real TUI (no TUI plugin): the report shows, no error does.
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, ROOT } from "../helpers.ts"
import { startMockModel, type MockModel } from "./mock-model.ts"
import { HAS_TMUX, startTui, type Tui } from "./tmux.ts"
import { stopAll } from "./util.ts"

describe.skipIf(!HAS_TMUX).sequential("TUI: /glm-quota from the server plugin", { timeout: 180_000 }, () => {
  let sim: Simulator
  let mock: MockModel
  let tui: Tui

  beforeAll(async () => {
    sim = await startSimulator({
      now: () => new Date("2026-03-07T07:30:00Z"),
      state: { keys: [CANARY_KEY], fiveHourPercent: 58, weeklyPercent: 33 },
    })
    mock = await startMockModel()
    tui = await startTui({
      pluginSpec: join(ROOT, "src", "index.ts"),
      mock,
      env: { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: "2026-03-07T07:30:00Z", TZ: "UTC" },
    })
  }, 120_000)

  afterAll(() => stopAll(tui, mock, sim))

  test("typing /glm-quota shows the report on screen and no error", async () => {
    await tui.waitFor(/ctrl\+p|Ask anything/i, 90_000)
    tui.type("/glm-quota")
    await tui.waitFor(/\/glm-quota\s+GLM quota, no model call/)
    tui.press("Enter") // accepts the autocomplete
    await tui.waitFor((s) => !/\/glm-quota\s+GLM quota, no model/.test(s), 20_000, "the autocomplete closed")
    tui.press("Enter") // runs it
    // No TUI half to claim it: posted as plain lines, which the TUI draws as they are (no Markdown markers on screen).
    // The whole report drawn (the TUI draws a long message over a few frames): then read it.
    const drawn = (s: string) =>
      /5-hour +█+░+ +58 %/.test(s) && /Weekly +█+░+ +33 %/.test(s) && /Model:.*GLM-5/s.test(s)
    const screen = await tui.waitFor(drawn, 30_000, "the whole report")
    expect(screen).not.toMatch(/\*\*|`/)
    expect(screen).toMatch(/Model:.*GLM-5/s)
    await new Promise((r) => setTimeout(r, 2000))
    const later = tui.screen()
    expect(later).not.toMatch(/error|failed|Unexpected server/i)
    expect(later).not.toContain(CANARY_KEY)
    expect(mock.calls).toBe(0)
  })
})
