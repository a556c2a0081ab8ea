// model: "apply" in the real binary: the coding-plan provider's model follows the plan and the peak hours, from the
// cached reading at start-up (no network wait) and live after each refresh.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSimulator, type Simulator } from "../../src/zai/simulator.ts"
import { CANARY_KEY, ROOT, runCli } from "../helpers.ts"
import { mockProviderConfig, startMockModel, startOpencode, type MockModel, type OpencodeServer } from "./harness.ts"

const PLUGIN = join(ROOT, "src", "index.ts")
const SATURDAY = "2026-03-07T07:30:00Z" // off-peak: only the plan decides

async function promptedModels(oc: OpencodeServer, mock: MockModel): Promise<string[]> {
  const sid = await oc.createSession()
  const since = oc.events.cursor()
  await oc.client.session.prompt({ path: { id: sid }, body: { parts: [{ type: "text", text: "hi" }] } })
  await oc.events.waitForType("session.idle", (e) => e.properties.sessionID === sid, 20_000, since)
  return mock.requests.filter((r) => !r.isTitle).map((r) => r.model ?? "")
}

for (const mode of ["apply", "suggest"] as const) describe.sequential(`model: ${mode}`, { timeout: 120_000 }, () => {
  let sim: Simulator
  let mock: MockModel
  let oc: OpencodeServer
  let cache: string

  beforeAll(async () => {
    // A Lite plan, read once by the CLI earlier: the cached reading is all the plugin has at start-up,
    // because the simulator now takes 20 s to answer.
    sim = await startSimulator({ now: () => new Date(SATURDAY), state: { plan: "lite", keys: [CANARY_KEY] } })
    cache = mkdtempSync(join(tmpdir(), "glmq-apply-"))
    const env = { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: SATURDAY, XDG_CACHE_HOME: cache }
    expect((await runCli(["--json"], { ...env, HOME: cache })).code).toBe(0)
    sim.set({ latencyMs: 20_000 })
    mock = await startMockModel({ models: ["glm-5", "glm-4.7", "mock-model"] })
    oc = await startOpencode({
      pluginSpec: PLUGIN,
      pluginOptions: { model: mode },
      mock,
      env,
      extraConfig: { model: "zai-coding-plan/glm-5", provider: { "zai-coding-plan": mockProviderConfig(mock.url, ["glm-5", "glm-4.7"]) } },
    })
  }, 120_000)

  afterAll(async () => {
    await oc?.stop()
    await mock?.close()
    await sim?.close()
    rmSync(cache, { recursive: true, force: true })
  })

  test(mode === "apply" ? "a Lite plan known from the cache: prompts go to glm-4.7, not the configured glm-5" : "suggest leaves the configured glm-5 alone", async () => {
    const models = await promptedModels(oc, mock)
    expect(models.length).toBeGreaterThan(0)
    expect(new Set(models)).toEqual(new Set([mode === "apply" ? "glm-4.7" : "glm-5"]))
  })
})
