// /glm-quota doctor in the real binary: the checks land in the session as a no-reply message, with no model call.
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, ROOT } from "../helpers.ts"
import { mockProviderConfig } from "./isolation.ts"
import { startMockModel, type MockModel } from "./mock-model.ts"
import { startOpencode, type OpencodeServer } from "./opencode.ts"
import { stopAll } from "./util.ts"

const NOW = "2026-03-07T07:30:00Z"

describe.sequential("/glm-quota doctor", { timeout: 120_000 }, () => {
  let sim: Simulator
  let mock: MockModel
  let oc: OpencodeServer

  beforeAll(async () => {
    sim = await startSimulator({ now: () => new Date(NOW), state: { keys: [CANARY_KEY] } })
    mock = await startMockModel({ models: ["glm-4.7", "mock-model"] })
    oc = await startOpencode({
      pluginSpec: join(ROOT, "src", "index.ts"),
      mock,
      env: { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: NOW, TZ: "UTC" },
      extraConfig: { provider: { "zai-coding-plan": mockProviderConfig(mock.url, ["glm-4.7"]) } },
    })
  }, 120_000)

  afterAll(() => stopAll(oc, mock, sim))

  test("posts the set-up checks and this process's guard checks; the model gets 0 calls", async () => {
    const sid = await oc.createSession()
    const before = mock.calls
    await oc.client.session.command({ path: { id: sid }, body: { command: "glm-quota", arguments: "doctor" } })
    const text = await oc.sessionText(sid)
    // Plain lines (a user message is drawn as it is in 1.18.33's TUI): no Markdown marker, none over 72 columns.
    expect(text).toMatch(/glm-quota doctor\n\n✓/)
    expect(text).not.toMatch(/\*\*|^- /m)
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(72)
    expect(text).toMatch(/✓ +key from ZAI_API_KEY/)
    expect(text).toMatch(/✓ +request guard active/)
    expect(text).toMatch(/✓ +zai-coding-plan: model requests go through the request guard/)
    expect(text).not.toContain(CANARY_KEY)
    await new Promise((r) => setTimeout(r, 1000)) // a model call, if one were coming, would have started by now
    expect(mock.calls).toBe(before)
  })
})
