// One module for both majors: the built entry exports { id, server, setup }. OpenCode 1.18.33 calls `server`, and at
// the first prompt also `setup` through its smaller preview context, which must do nothing — or /glm-quota, the tools
// and every toast would be registered twice. (2.2.5 is test/e2e/opencode2.e2e.test.ts.)
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, ROOT } from "../helpers.ts"
import { startMockModel, type MockModel } from "./mock-model.ts"
import { startOpencode, type OpencodeServer } from "./opencode.ts"
import { stopAll } from "./util.ts"

const SATURDAY = "2026-12-05T04:00:00Z"

describe.sequential("OpenCode 1.18.33 with the dual entry (dist/index.js)", () => {
  let sim: Simulator
  let mock: MockModel
  let oc: OpencodeServer

  beforeAll(async () => {
    sim = await startSimulator({ now: () => new Date(SATURDAY), state: { keys: [CANARY_KEY] } })
    mock = await startMockModel()
    oc = await startOpencode({
      pluginSpec: join(ROOT, "dist", "index.js"),
      pluginOptions: {},
      mock,
      env: { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: SATURDAY },
    })
  }, 120_000)

  afterAll(() => stopAll(oc, mock, sim))

  test("after prompts, /glm-quota and each tool are registered once, and the command posts one report", async () => {
    const sid = await oc.createSession()
    for (const text of ["first", "second"]) {
      const since = oc.events.cursor()
      await oc.client.session.prompt({ path: { id: sid }, body: { parts: [{ type: "text", text }] } })
      await oc.events.waitForType("session.idle", (e) => e.properties.sessionID === sid, 30_000, since)
    }
    const commands = ((await (await oc.fetch("/command")).json()) as { name: string }[]).map((c) => c.name)
    expect(commands.filter((n) => n === "glm-quota")).toHaveLength(1)
    const last = mock.requests.filter((r) => !r.isTitle).at(-1)!
    const tools = ((last.body.tools as { function: { name: string } }[] | undefined) ?? []).map((t) => t.function.name)
    expect(tools.filter((n) => n === "glm_quota")).toHaveLength(1)
    expect(tools.filter((n) => n === "glm_model")).toHaveLength(1)
    const report = await oc.createSession()
    const calls = mock.calls
    await oc.client.session.command({ path: { id: report }, body: { command: "glm-quota", arguments: "" } })
    const text = await oc.sessionText(report)
    expect(text.match(/GLM Coding Plan · Pro/g)).toHaveLength(1)
    expect(mock.calls).toBe(calls)
  })
})
