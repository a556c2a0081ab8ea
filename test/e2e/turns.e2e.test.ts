// What a turn costs, in the real binary: a prompt on zai-coding-plan/glm-5.3 (the provider declared by its options
// only, the model from OpenCode's own catalog) whose model answers with known usage — 42,000 prompt tokens of which
// 30,000 cached, 2,000 completion tokens — shows its credits in /glm-quota equal to the formula's value: (12,000 × 6.9
// + 30,000 × 1.7 + 2,000 × 24) / 10,000 = 18.18 credits at the quota peak (15:30 Beijing), 9.09 off-peak (13:30).
// The record in the test HOME keeps the turn, and `glm-quota --full` reads it back: turns and windows left.
import { join } from "node:path"
import { afterEach, describe, expect, test } from "vitest"
import { LocalStore } from "../../src/local/store.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, ROOT, runCliHere } from "../helpers.ts"
import { startMockModel, type MockModel } from "./mock-model.ts"
import { startOpencode, type OpencodeServer } from "./opencode.ts"
import { stopAll } from "./util.ts"

const USAGE = { prompt_tokens: 42_000, completion_tokens: 2_000, prompt_tokens_details: { cached_tokens: 30_000 } }

describe.sequential("turn cost", { timeout: 180_000 }, () => {
  let sim: Simulator | undefined
  let mock: MockModel | undefined
  let oc: OpencodeServer | undefined
  afterEach(() => stopAll(oc, mock, sim))

  test.each([
    { phase: "peak", now: "2026-12-01T07:30:00Z", credits: 18.18, shown: "18.2" },
    { phase: "off-peak", now: "2026-12-01T05:30:00Z", credits: 9.09, shown: "9.1" },
  ])("one turn at the $phase costs $credits credits", async ({ now, credits, shown }) => {
    sim = await startSimulator({
      now: () => new Date(now),
      state: { keys: [CANARY_KEY], era: "december", plan: "pro", fiveHourPercent: 25, weeklyPercent: 35 },
    })
    mock = await startMockModel({ models: ["glm-5.3"], script: [{ text: "done", usage: USAGE }] })
    const env = { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: now, TZ: "UTC" }
    oc = await startOpencode({
      pluginSpec: join(ROOT, "src", "index.ts"),
      mock,
      env,
      extraConfig: {
        model: "zai-coding-plan/glm-5.3",
        provider: { "zai-coding-plan": { options: { baseURL: mock.url, apiKey: "cfg-key" } } },
      },
    })
    const sid = await oc.createSession()
    const since = oc.events.cursor()
    await oc.client.session.prompt({ path: { id: sid }, body: { parts: [{ type: "text", text: "work" }] } })
    await oc.events.waitForType("session.idle", (e) => e.properties.sessionID === sid, 30_000, since)
    expect(mock.requests.filter((r) => !r.isTitle && r.model === "glm-5.3")).toHaveLength(1)

    const report = await oc.createSession()
    await oc.client.session.command({ path: { id: report }, body: { command: "glm-quota", arguments: "" } })
    // 1.18.33 gets the report as plain text wrapped to 72 columns: read it as one line.
    const text = (await oc.sessionText(report)).replace(/\s+/g, " ")
    expect(text).toContain(`Last turn: ${shown} credits`)
    expect(text).toContain("glm-5.3, 1 model call")
    if (credits === 18.18) expect(text).toContain("The same turn after 18:00 Beijing time: ≈ 9.1 credits.")

    const json = await oc.createSession()
    await oc.client.session.command({ path: { id: json }, body: { command: "glm-quota", arguments: "json" } })
    const body = await oc.sessionText(json)
    const r = JSON.parse(body.slice(body.indexOf("{"), body.lastIndexOf("}") + 1))
    expect(r.turns.last).toMatchObject({
      credits,
      model: "glm-5.3",
      calls: 1,
      tokens: { input: 12_000, cacheRead: 30_000, output: 2_000 },
      fiveHourShare: Math.round((credits / 12_000) * 1000) / 10,
    })

    // The record in the test HOME keeps the turn; the CLI reads the same files.
    const state = join(oc.home, ".local/state")
    const store = new LocalStore({ dir: join(state, "glm-quota"), now: () => new Date(now) })
    const turns = store.read(0).records.filter((x) => x.kind === "turn")
    store.close()
    expect(turns).toHaveLength(1)
    expect(turns[0]).toMatchObject({ credits, session: sid })
    const cli = await runCliHere(["--full"], {
      ...env,
      HOME: oc.home,
      XDG_STATE_HOME: state,
      XDG_CACHE_HOME: join(oc.home, ".cache"),
    })
    expect(cli.code).toBe(0)
    const out = cli.stdout.replace(/\s+/g, " ")
    // 9,000 credits left in the 5-hour window (25 % of 12,000 used), 39,000 this week (35 % of 60,000)
    expect(out).toContain(
      `≈ ${Math.floor(9000 / credits).toLocaleString("en-US")} turns of that size left in this 5-hour window`,
    )
    expect(out).toContain("≈ 3 full 5-hour windows left this week")
    expect(out).toMatch(/Week pace: 35 % used with [\d.]+ % of the week gone/)
  })
})
