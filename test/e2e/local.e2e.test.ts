// This machine's record in the real binary: three prompts on the coding-plan provider show up in /glm-quota as three
// prompts and the right number of model calls; the title requests on another provider are not counted.
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, ROOT } from "../helpers.ts"
import { mockProviderConfig } from "./isolation.ts"
import { startMockModel, type MockModel } from "./mock-model.ts"
import { startOpencode, type OpencodeServer } from "./opencode.ts"
import { stopAll } from "./util.ts"

const NOW = "2026-03-07T07:30:00Z"

describe.sequential("local record", { timeout: 120_000 }, () => {
  let sim: Simulator
  let mock: MockModel
  let oc: OpencodeServer

  beforeAll(async () => {
    sim = await startSimulator({ now: () => new Date(NOW), state: { keys: [CANARY_KEY] } })
    mock = await startMockModel({
      models: ["glm-4.7", "mock-model"],
      script: [
        { text: "one", usage: { prompt_tokens: 1000, completion_tokens: 10 } },
        { toolCall: { name: "glm_model", args: {} }, usage: { prompt_tokens: 1100, completion_tokens: 5 } },
        { text: "two", usage: { prompt_tokens: 1200, completion_tokens: 20 } },
        { text: "three", usage: { prompt_tokens: 1300, completion_tokens: 30 } },
      ],
    })
    oc = await startOpencode({
      pluginSpec: join(ROOT, "src", "index.ts"),
      mock,
      env: { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: NOW, TZ: "UTC" },
      extraConfig: {
        model: "zai-coding-plan/glm-4.7",
        provider: { "zai-coding-plan": mockProviderConfig(mock.url, ["glm-4.7"]) },
      },
    })
  }, 120_000)

  afterAll(() => stopAll(oc, mock, sim))

  test("three prompts, four model calls (one prompt used a tool), counted once each", async () => {
    const sid = await oc.createSession()
    for (const text of ["first", "second", "third"]) {
      const since = oc.events.cursor()
      await oc.client.session.prompt({ path: { id: sid }, body: { parts: [{ type: "text", text }] } })
      await oc.events.waitForType("session.idle", (e) => e.properties.sessionID === sid, 20_000, since)
    }
    expect(mock.requests.filter((r) => !r.isTitle && r.model === "glm-4.7")).toHaveLength(4)
    const report = await oc.createSession()
    await oc.client.session.command({ path: { id: report }, body: { command: "glm-quota", arguments: "" } })
    // 1.18.33 gets the report as plain text wrapped to 72 columns: read it as one line.
    const text = (await oc.sessionText(report)).replace(/\s+/g, " ")
    expect(text).toContain("This machine's record")
    expect(text).toMatch(/This machine, last 5 h: 3 prompts of ~600, 4 model calls \(1\.3 per prompt\)/)
    const json = await oc.createSession()
    await oc.client.session.command({ path: { id: json }, body: { command: "glm-quota", arguments: "json" } })
    const body = await oc.sessionText(json)
    const r = JSON.parse(body.slice(body.indexOf("{"), body.lastIndexOf("}") + 1))
    expect(r.local.scope).toBe("this machine")
    expect(r.local.summary).toMatchObject({ prompts: 3, calls: 4 })
    // The token counts are the provider's own (the mock's usage), copied by OpenCode onto each step: exact, not estimated.
    expect(r.local.summary.tokens).toMatchObject({ input: 1000 + 1100 + 1200 + 1300, output: 10 + 5 + 20 + 30 })
    expect(r.local.summary.sessions[0]).toMatchObject({ session: sid, prompts: 3, calls: 4 })
  })
})
