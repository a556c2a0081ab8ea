// The TUI half in the real opencode 1.18.33 TUI under tmux: offline, isolated, a mock model, the Z.ai simulator.
// The server half (src/index.ts, opencode.json) and the TUI half (tui.json: the built dist/tui.js users install, or
// src/tui.ts) are both loaded, as a user would configure them; the screen is polled, never slept on.
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { PATHS } from "../../src/zai/client.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, ROOT } from "../helpers.ts"
import { HAS_TMUX, startTui, type Tui } from "./tmux.ts"
import { startMockModel, type MockModel } from "./mock-model.ts"
import { stopAll } from "./util.ts"

const SERVER = join(ROOT, "src", "index.ts")
const TUI = join(ROOT, "src", "tui.ts")
/** What users install: the built TUI half (the binary loads it only if its imports keep their spaces, scripts/build.mjs). */
const BUILT_TUI = join(ROOT, "dist", "tui.js")
const INTERVAL_MS = 4000 // GLM_QUOTA_TEST_REFRESH_MS: test-only, below the 30 s minimum
const WEEKDAY_PEAK = "2026-03-02T07:30:00Z" // Monday 15:30 Beijing: quota and throttle peak until 18:00 (10:00 UTC)
/** What OpenCode shows when something failed (a toast, a dialog, a session error); peak texts say "errors", not these. */
const ERRORS = /Unexpected server error|UnknownError|Failed to|Error:|err_[a-z0-9]{8}|\*\*glm-quota:\*\*/

/** Records when each quota request reached the simulator (polled every 20 ms). */
function requestTimes(sim: Simulator): { times: number[]; stop(): void } {
  const times: number[] = []
  let seen = sim.count(PATHS.quota)
  const timer = setInterval(() => {
    const n = sim.count(PATHS.quota)
    for (; seen < n; seen++) times.push(Date.now())
  }, 20)
  return { times, stop: () => clearInterval(timer) }
}

/** The text right of column `from` (the sidebar), trailing spaces trimmed. */
function rightColumn(screen: string, from = 110): string {
  return screen
    .split("\n")
    .map((l) => l.slice(from).trimEnd())
    .join("\n")
}

async function openSession(tui: Tui): Promise<void> {
  await tui.waitFor(/Ask anything/, 120_000, "the home screen")
  tui.type("hello")
  tui.press("Enter")
  await tui.waitFor(/MOCK-ANSWER/, 60_000, "the mock model's answer")
}

describe
  .skipIf(!HAS_TMUX)
  .sequential(
    "TUI half with the server half: sidebar widget, refresh, /glm-quota, one request per interval",
    { timeout: 240_000 },
    () => {
      let sim: Simulator
      let mock: MockModel
      let tui: Tui
      let requests: { times: number[]; stop(): void }
      let started = 0

      beforeAll(async () => {
        // Latency widens the start-up race between the two halves: without a shared lease both would ask.
        sim = await startSimulator({
          state: { keys: [CANARY_KEY], fiveHourPercent: 37, weeklyPercent: 41, latencyMs: 1500 },
        })
        requests = requestTimes(sim)
        mock = await startMockModel({ script: () => ({ text: "MOCK-ANSWER" }) })
        started = Date.now()
        tui = await startTui({
          pluginSpec: SERVER,
          mock,
          tuiConfig: { plugin: [[BUILT_TUI, {}]] },
          env: {
            ZAI_API_KEY: CANARY_KEY,
            GLM_QUOTA_BASE_URL: sim.url,
            GLM_QUOTA_TEST_REFRESH_MS: String(INTERVAL_MS),
            TZ: "UTC",
          },
        })
      }, 120_000)

      afterAll(async () => {
        requests?.stop()
        await stopAll(tui, mock, sim)
      })

      test("the sidebar shows the simulator's percentages, bars and the binding window's reset countdown", async () => {
        await openSession(tui)
        const screen = await tui.waitFor(/Weekly resets in 3d 9h/, 60_000, "the widget")
        const side = rightColumn(screen)
        expect(side).toContain("GLM Coding Plan · Pro")
        expect(side).toMatch(/5-hour ████░░░░░░ {2}37 %/)
        expect(side).toMatch(/Weekly ████░░░░░░ {2}41 %/)
        expect(side).toMatch(/Weekly resets in 3d 9h \(\w{3} \d\d:\d\d\)/)
        tui.save("sidebar")
      })

      test("after the simulator's answer changes, one refresh interval later the widget shows the new figures", async () => {
        sim.set({ fiveHourPercent: 88, fiveHourResetInMs: 47 * 60_000 })
        // Without a refresh on the interval the widget would keep 37 % for good; how soon it changes is the bench's business.
        const screen = await tui.waitFor(/5-hour █████████░ {2}88 %/, 4 * INTERVAL_MS + 10_000, "88 % in the widget")
        // 88 % is past the first threshold (80) and the five-hour window now binds.
        expect(rightColumn(screen)).toMatch(/5-hour resets in 4\dm/)
        tui.save("after-refresh")
      })

      test("with both halves loaded the simulator sees one quota request per interval, not two", async () => {
        await new Promise((r) => setTimeout(r, 3 * INTERVAL_MS))
        const times = [...requests.times]
        const elapsed = Date.now() - started
        const gaps = times.slice(1).map((t, i) => t - times[i]!)
        // Two halves asking at once would show up as a gap far below one interval.
        expect(
          gaps.filter((g) => g < INTERVAL_MS - 500),
          `gaps between quota requests: ${gaps.join(", ")} ms`,
        ).toEqual([])
        expect(times.length).toBeLessThanOrEqual(Math.floor(elapsed / INTERVAL_MS) + 1)
        expect(times.length).toBeGreaterThanOrEqual(3)
      })

      test("/glm-quota typed in the TUI opens the report in a dialog: one entry, no model call, no error", async () => {
        const calls = mock.calls
        tui.type("/glm-quota")
        const menu = await tui.waitFor(
          /\/glm-quota\s+GLM quota, no model call/,
          20_000,
          "the command in the autocomplete",
        )
        // One /glm-quota: the server half's (it takes the arguments); the TUI half claims it when it runs.
        const rows = menu.split("\n").filter((l) => /\/glm-quota\s/.test(l))
        expect(rows, menu).toHaveLength(1)
        expect(rows[0]).toContain("GLM quota, no model call · full | json | doctor") // not cut at 160 columns
        tui.press("Enter") // accepts the autocomplete
        await tui.waitFor((s) => !/\/glm-quota\s+GLM quota/.test(s), 20_000, "the autocomplete closed")
        tui.press("Enter") // sends it: the server half asks, the TUI half takes it
        const dialog = await tui.waitFor(/MCP tools \(month\)/, 30_000, "the report dialog")
        expect(dialog).toContain("GLM Coding Plan · Pro · Z.ai · updated")
        expect(dialog).toMatch(/5-hour\s+█+░+\s+88 %/)
        expect(dialog).toMatch(/Weekly\s+█+░+\s+41 %/)
        expect(dialog).toContain("147 / 1,000 calls, 853 left")
        // The real clock here: the light id of the catalog for today's date (glm-4.7 before Aug 2026, glm-5.3-flash after).
        expect(dialog).toMatch(/Model: glm-(4\.7|5\.3-flash) — 5-hour window 88 % used/)
        tui.save("dialog")
        await new Promise((r) => setTimeout(r, 2000))
        const later = tui.screen()
        expect(later).not.toMatch(ERRORS)
        expect(later).not.toContain(CANARY_KEY)
        expect(mock.calls).toBe(calls)
        tui.press("Enter") // closes the dialog
        const closed = await tui.waitFor((s) => !s.includes("MCP tools (month)"), 10_000, "the dialog closed")
        expect(closed).not.toMatch(ERRORS)
        // Nothing was posted into the session: the server's command did not run.
        expect(closed).not.toContain("**glm-quota:**")
        expect(closed).not.toMatch(/5-hour.*88 % used/)
      })

      test("/glm-quota shows the last reading at once, then draws the fresh one into the open dialog", async () => {
        // The dialog's lines pad the window names to "MCP tools (month)"; the sidebar's have one space.
        const dialogLine = (percent: number) => new RegExp(`5-hour {3,}█+░* +${percent} %`)
        const release = sim.hold() // every answer waits, the ones already on their way included
        let first: string
        try {
          sim.set({ fiveHourPercent: 93 })
          // The reading on disk goes due: the next request (the widget's, which the dialog's joins) hangs.
          await new Promise((r) => setTimeout(r, INTERVAL_MS + 1000))
          // Typed with its argument-less Enter: the prompt sends it to the server half, which the TUI half claims.
          tui.type("/glm-quota ")
          tui.press("Enter")
          const opened = Date.now()
          first = await tui.waitFor(dialogLine(88), 10_000, "the last reading in the dialog, with no answer yet")
          // Within about 2 s of no answer, the reading shown says it is stale and why ("has not answered yet"; or the
          // timeout's sentence when a request that was already hanging gave up first).
          const stale = await tui.waitFor(/! Stale: showing the last good reading/, 6_000, "the reading marked stale")
          expect(Date.now() - opened).toBeLessThan(4_500)
          expect(stale).toMatch(/has not answered|did not answer/)
          expect(stale).toMatch(dialogLine(88))
          tui.save("dialog-stale")
        } finally {
          release()
        }
        expect(first).toContain("MCP tools (month)")
        const fresh = await tui.waitFor(dialogLine(93), 20_000, "the fresh reading drawn into the open dialog")
        expect(fresh).toContain("MCP tools (month)")
        expect(fresh).not.toMatch(/Stale|has not answered/)
        expect(fresh).not.toMatch(ERRORS)
        tui.save("dialog-fresh")
        tui.press("Enter")
        await tui.waitFor((s) => !s.includes("MCP tools (month)"), 10_000, "the dialog closed")
      })

      test("/glm-quota-doctor loads the set-up checks when first opened and shows them in a dialog: no model call", async () => {
        const calls = mock.calls
        tui.type("/glm-quota-doctor")
        await tui.waitFor(
          /\/glm-quota-doctor\s+The GLM Coding Plan set-up checks/,
          20_000,
          "the doctor in the autocomplete",
        )
        tui.press("Enter")
        const dialog = await tui.waitFor(/✓ +key accepted by 127\.0\.0\.1/, 30_000, "the set-up checks")
        expect(dialog).toContain("GLM Coding Plan set-up")
        expect(dialog).toMatch(/✓ +key from ZAI_API_KEY/)
        expect(dialog).not.toMatch(ERRORS)
        expect(dialog).not.toContain(CANARY_KEY)
        expect(mock.calls).toBe(calls)
        tui.save("doctor")
        tui.press("Enter")
        await tui.waitFor((s) => !s.includes("GLM Coding Plan set-up"), 10_000, "the dialog closed")
      })
    },
  )

describe.skipIf(!HAS_TMUX).sequential("TUI half and server half due at the same moment", { timeout: 240_000 }, () => {
  // Both halves on a 30 s interval. While the TUI's refresh is on its way (the simulator holds its answer until the
  // test releases it), a prompt makes the server half refresh too (session.idle). Without a lease shared across the two
  // module graphs the simulator would see both requests.
  let sim: Simulator
  let mock: MockModel
  let tui: Tui

  beforeAll(async () => {
    sim = await startSimulator({ state: { keys: [CANARY_KEY], fiveHourPercent: 37, weeklyPercent: 41 } })
    mock = await startMockModel({ script: () => ({ text: "MOCK-ANSWER" }) })
    tui = await startTui({
      pluginSpec: SERVER,
      pluginOptions: { refreshInterval: 30 },
      mock,
      tuiConfig: { plugin: [[TUI, { refreshInterval: 30 }]] },
      env: { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, TZ: "UTC" },
    })
  }, 120_000)

  afterAll(() => stopAll(tui, mock, sim))

  test("the server half waits for the TUI half's answer instead of asking again", async () => {
    await openSession(tui)
    await tui.waitFor(/Weekly resets in/, 60_000, "the widget")
    sim.set({ fiveHourPercent: 52 })
    const release = sim.hold()
    let inFlight: number
    try {
      const before = sim.count(PATHS.quota)
      // The TUI half's next refresh: due 30 s after the last answer.
      const due = Date.now() + 45_000
      while (sim.count(PATHS.quota) === before && Date.now() < due) await new Promise((r) => setTimeout(r, 20))
      inFlight = sim.count(PATHS.quota)
      expect(inFlight, "the TUI half refreshed on its interval").toBe(before + 1)
      tui.type("again")
      tui.press("Enter")
      await tui.waitFor((s) => s.split("MOCK-ANSWER").length > 2, 20_000, "the second answer")
      // The turn is over (session.idle: the server half wants a refresh) while the TUI's request is still held.
      await new Promise((r) => setTimeout(r, 2000))
      expect(sim.count(PATHS.quota), "the server half waits on the lease while the TUI half's request is held").toBe(
        inFlight,
      )
    } finally {
      release()
    }
    await tui.waitFor(/5-hour █████░░░░░ {2}52 %/, 20_000, "the new figures")
    await new Promise((r) => setTimeout(r, 2000))
    expect(
      sim.count(PATHS.quota),
      "one request for both halves: the server half must take the refresh lease (src/zai/lock.ts, taken by SnapshotCache around every refresh)",
    ).toBe(inFlight)
  })
})

// The provider declared as users declare it (options only): the TUI's model list is OpenCode's own catalog.
const NOV_PEAK = "2026-11-30T07:30:00Z" // Monday 15:30 Beijing
describe.skipIf(!HAS_TMUX).sequential("TUI half at a weekday peak on GLM-5.3", { timeout: 180_000 }, () => {
  let sim: Simulator
  let mock: MockModel
  let tui: Tui

  beforeAll(async () => {
    sim = await startSimulator({
      now: () => new Date(NOV_PEAK),
      state: { keys: [CANARY_KEY], fiveHourPercent: 22, weeklyPercent: 25 },
    })
    // Known usage: 12,000 fresh input, 30,000 cached, 2,000 output tokens — 18.18 credits on glm-5.3 at the peak.
    const usage = { prompt_tokens: 42_000, completion_tokens: 2_000, prompt_tokens_details: { cached_tokens: 30_000 } }
    mock = await startMockModel({ script: () => ({ text: "MOCK-ANSWER", usage }) })
    tui = await startTui({
      pluginSpec: SERVER,
      mock,
      extraConfig: {
        model: "zai-coding-plan/glm-5.3",
        provider: { "zai-coding-plan": { options: { baseURL: mock.url, apiKey: "cfg-key" } } },
      },
      tuiConfig: { plugin: [[TUI, { thresholds: [20, 90] }]] },
      env: { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: NOV_PEAK, TZ: "UTC" },
    })
  }, 120_000)

  afterAll(() => stopAll(tui, mock, sim))

  test("the peak marker with its end in local time, and the listed light model suggested over the session's glm-5.3", async () => {
    await openSession(tui)
    const screen = await tui.waitFor(/⚑ Peak until 10:00 \(18:00 Beijing\)/, 60_000, "the peak marker")
    const side = rightColumn(screen)
    expect(side).toMatch(/5-hour ██░░░░░░░░ {2}22 %/)
    expect(side).toMatch(/Use glm-5\.3-flash · not glm-5\.3/)
    tui.save("peak")
  })

  test("after the turn, the sidebar shows its credits (the server half's record, read by the TUI half)", async () => {
    const screen = await tui.waitFor(/Last turn 18\.2 cr/, 60_000, "the last turn's credits")
    expect(rightColumn(screen)).toMatch(/Last turn 18\.2 cr/)
  })
})

describe
  .skipIf(!HAS_TMUX)
  .sequential("TUI half without a key, widget at the prompt, an invalid option", { timeout: 180_000 }, () => {
    let mock: MockModel
    let tui: Tui

    beforeAll(async () => {
      mock = await startMockModel({ script: () => ({ text: "MOCK-ANSWER" }) })
      tui = await startTui({
        mock,
        tuiConfig: { plugin: [[TUI, { widget: "prompt", refreshInterval: 5 }]] },
        env: { GLM_QUOTA_BASE_URL: "http://127.0.0.1:9", TZ: "UTC" },
      })
    }, 120_000)

    afterAll(() => stopAll(tui, mock))

    test("one line saying how to add a key, one warning toast for the option, nothing else", async () => {
      const screen = await tui.waitFor(/No GLM key · \/connect or ZAI_API_KEY/, 90_000, "the no-key line at the prompt")
      expect(screen).not.toMatch(/GLM Coding Plan ·|5-hour|░/) // (the logo is drawn with █)
      const toast = await tui.waitFor(/invalid options/, 30_000, "the options toast")
      expect(toast).toMatch(/refreshInterval/)
      tui.save("no-key")
    })

    test("without the server half, /glm-quota in the autocomplete is the TUI's own entry, once", async () => {
      tui.type("/glm-quota")
      const menu = await tui.waitFor(/\/glm-quota\s+The GLM Coding Plan quota in a dialog/, 30_000, "the TUI's entry")
      expect(menu.split("\n").filter((l) => /\/glm-quota\s/.test(l))).toHaveLength(1)
      tui.press("Escape")
    })
  })
