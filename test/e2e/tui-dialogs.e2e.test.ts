// The dialogs at 100x30 in the real 1.18.33 TUI (both halves loaded, as the README configures them): `/glm-quota
// doctor` and `/glm-quota full` typed with their arguments open the TUI half's dialogs (the server half's command is
// claimed: nothing is posted, no session is left behind), each laid out for the dialog — its lines inside the box,
// continuation lines indented, and the dialog's "ok" row on screen.
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, ROOT } from "../helpers.ts"
import { HAS_TMUX, startTui, type Tui } from "./tmux.ts"
import { startMockModel, type MockModel } from "./mock-model.ts"
import { stopAll } from "./util.ts"

const ERRORS = /Unexpected server error|UnknownError|Failed to|Error:|err_[a-z0-9]{8}|glm-quota: [A-Z]/

/**
 * The dialog's rows, from its title row down to its "ok" row, cut to its text columns (84 from where the title
 * starts: what is left and right of them is the screen behind the dialog).
 */
function dialogRows(screen: string, title: RegExp): { rows: string[]; okRow: number; lines: string[] } {
  const lines = screen.split("\n")
  const top = lines.findIndex((l) => title.test(l))
  const left = lines[top]!.search(/\S/)
  const okRow = lines.findIndex((l, i) => i > top && / {3}ok(?: {3}|$)/.test(l))
  return { rows: lines.slice(top, okRow + 1).map((l) => l.slice(left, left + 84)), okRow, lines }
}

describe.skipIf(!HAS_TMUX).sequential("TUI dialogs at 100x30, typed with arguments", { timeout: 240_000 }, () => {
  let sim: Simulator
  let mock: MockModel
  let tui: Tui

  beforeAll(async () => {
    sim = await startSimulator({ state: { keys: [CANARY_KEY], fiveHourPercent: 37, weeklyPercent: 41 } })
    mock = await startMockModel({ script: () => ({ text: "MOCK-ANSWER" }) })
    tui = await startTui({
      pluginSpec: join(ROOT, "src", "index.ts"),
      mock,
      width: 100,
      height: 30,
      tuiConfig: { plugin: [[join(ROOT, "src", "tui.ts"), {}]] },
      env: { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, TZ: "UTC" },
    })
  }, 120_000)

  afterAll(() => stopAll(tui, mock, sim))

  test("/glm-quota doctor opens the set-up checks in the TUI's dialog, fitted, and leaves the home screen as it was", async () => {
    await tui.waitFor(/Ask anything/, 120_000, "the home screen")
    await tui.waitFor(/GLM Pro 5h/, 60_000, "the quota line on the home screen")
    tui.type("/glm-quota doctor")
    tui.press("Enter")
    const screen = await tui.waitFor(/✓ +key accepted by 127\.0\.0\.1/, 30_000, "the set-up checks")
    const { rows, okRow, lines } = dialogRows(screen, /GLM Coding Plan set-up/)
    tui.save("doctor-100x30")
    expect(okRow, screen).toBeGreaterThan(0)
    expect(okRow).toBeLessThan(lines.length - 1) // the button's row and the padding under it on screen
    const body = rows.slice(1, -1).filter((l) => l.trim() !== "")
    // Each check starts at the dialog's text column; a continuation hangs three columns in.
    const column = body[0]!.search(/\S/)
    for (const l of body) {
      const at = l.search(/\S/)
      expect([column, column + 3], l).toContain(at)
    }
    expect(screen).not.toMatch(ERRORS)
    expect(screen).not.toContain(CANARY_KEY)
    tui.press("Enter")
    const home = await tui.waitFor((s) => !s.includes("GLM Coding Plan set-up"), 10_000, "the dialog closed")
    // The session the TUI made to send the command was empty: back on the home screen, and it is gone.
    expect(home).not.toMatch(/glm-quota doctor|\*\*/)
    await tui.waitFor(/Ask anything/, 10_000, "the home screen again")
    await new Promise((r) => setTimeout(r, 500)) // its prompt takes the keys once it is drawn
    expect(mock.calls).toBe(0)
  })

  test("/glm-quota full opens the report with the last 24 hours in the dialog, its ok on screen", async () => {
    tui.type("/glm-quota full")
    tui.press("Enter")
    const screen = await tui.waitFor(/Last 24 h: [\d,]+ model calls/, 30_000, "the full report")
    const { rows, okRow, lines } = dialogRows(screen, /GLM Coding Plan · Pro · Z\.ai/)
    tui.save("full-100x30")
    expect(okRow, screen).toBeGreaterThan(0)
    expect(okRow).toBeLessThan(lines.length - 1)
    expect(rows.join("\n")).toMatch(/5-hour\s+█+░+\s+37 %/)
    expect(screen).not.toMatch(ERRORS)
    tui.press("Enter")
    await tui.waitFor((s) => !s.includes("Last 24 h"), 10_000, "the dialog closed")
    expect(mock.calls).toBe(0)
  })
})
