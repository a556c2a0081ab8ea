// model: "apply" in the real binary, with the coding-plan provider declared the way users declare it — options only,
// its models from OpenCode's own bundled catalog (no glm-5 there). The plugin reads that list from the running
// OpenCode and sets only an id it lists: heavy off-peak on Pro, light at the quota peak; the prompts reach the model.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, ROOT, runCli } from "../helpers.ts"
import { startMockModel, type MockModel } from "./mock-model.ts"
import { startOpencode, type OpencodeServer } from "./opencode.ts"
import { stopAll } from "./util.ts"

const PLUGIN = join(ROOT, "src", "index.ts")
const SATURDAY = "2026-11-28T04:00:00Z" // 12:00 Beijing: off-peak, only the plan and the quota decide
const MONDAY_PEAK = "2026-11-30T07:30:00Z" // 15:30 Beijing: quota and throttle peak
// `opencode models zai-coding-plan` in 1.18.33, as the binary lists it (asserted below, not assumed).
const ZAI_CODING_PLAN = [
  "glm-4.7",
  "glm-5-turbo",
  "glm-5.2",
  "glm-5.2-highspeed",
  "glm-5.3",
  "glm-5.3-flash",
  "glm-5.3-highspeed",
]

/** The provider as a user declares it: where to send requests, nothing about its models. */
const ordinaryProvider = (mock: MockModel) => ({
  "zai-coding-plan": { options: { baseURL: mock.url, apiKey: "cfg-key" } },
})

async function configModel(oc: OpencodeServer): Promise<string> {
  const res = await oc.fetch("/config")
  return ((await res.json()) as { model?: string }).model ?? ""
}

/** Waits until the server's config names `model` (the plugin sets it in the background), or gives up after `ms`. */
async function waitForModel(oc: OpencodeServer, model: string, ms = 20_000): Promise<string> {
  const end = Date.now() + ms
  let seen = await configModel(oc)
  while (seen !== model && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100))
    seen = await configModel(oc)
  }
  return seen
}

async function promptedModels(
  oc: OpencodeServer,
  mock: MockModel,
  session?: string,
): Promise<{ models: string[]; error: unknown }> {
  const sid = session ?? (await oc.createSession())
  const since = oc.events.cursor()
  const before = mock.requests.length
  await oc.client.session.prompt({ path: { id: sid }, body: { parts: [{ type: "text", text: "hi" }] } })
  await oc.events.waitForType("session.idle", (e) => e.properties.sessionID === sid, 30_000, since)
  const error = oc.events.all
    .slice(since)
    .find((e) => e.type === "session.error" && (e.properties as { sessionID?: string }).sessionID === sid)
  return {
    models: mock.requests
      .slice(before)
      .filter((r) => !r.isTitle)
      .map((r) => r.model ?? ""),
    error,
  }
}

describe.sequential(
  "apply, Pro off-peak, no cached reading: set after the refresh, used by the next turn",
  { timeout: 150_000 },
  () => {
    let sim: Simulator
    let mock: MockModel
    let oc: OpencodeServer

    beforeAll(async () => {
      sim = await startSimulator({
        now: () => new Date(SATURDAY),
        state: { plan: "pro", era: "credit", keys: [CANARY_KEY], fiveHourPercent: 20, weeklyPercent: 30 },
      })
      mock = await startMockModel({})
      oc = await startOpencode({
        pluginSpec: PLUGIN,
        pluginOptions: { model: "apply" },
        mock,
        env: { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: SATURDAY },
        extraConfig: { model: "zai-coding-plan/glm-4.7", provider: ordinaryProvider(mock) },
      })
    }, 120_000)

    afterAll(() => stopAll(oc, mock, sim))

    test("OpenCode lists the coding plan's models from its own catalog, without glm-5", async () => {
      const res = await oc.fetch("/config/providers")
      const body = (await res.json()) as { providers: { id: string; models: Record<string, unknown> }[] }
      const ids = Object.keys(body.providers.find((p) => p.id === "zai-coding-plan")?.models ?? {}).sort()
      expect(ids).toEqual([...ZAI_CODING_PLAN].sort())
      expect(ids).not.toContain("glm-5")
    })

    test("the configured glm-4.7 becomes glm-5.3, the best listed GLM-5-class id, and the prompt reaches the model as glm-5.3", async () => {
      // The plugin asks OpenCode for the providers' lists once a session exists (not during the instance's bootstrap).
      const sid = await oc.createSession()
      expect(await waitForModel(oc, "zai-coding-plan/glm-5.3")).toBe("zai-coding-plan/glm-5.3")
      const { models, error } = await promptedModels(oc, mock, sid)
      expect(error).toBeUndefined()
      expect(models.length).toBeGreaterThan(0)
      expect(new Set(models)).toEqual(new Set(["glm-5.3"]))
    })
  },
)

for (const mode of ["apply", "suggest"] as const) {
  describe.sequential(
    `${mode}, quota peak, from a reading cached by an earlier glm-quota run`,
    { timeout: 150_000 },
    () => {
      let sim: Simulator
      let mock: MockModel
      let oc: OpencodeServer
      let cache: string
      let release: () => void = () => {}

      beforeAll(async () => {
        sim = await startSimulator({
          now: () => new Date(MONDAY_PEAK),
          state: { plan: "pro", era: "credit", keys: [CANARY_KEY], fiveHourPercent: 20, weeklyPercent: 30 },
        })
        cache = mkdtempSync(join(tmpdir(), "glmq-apply-"))
        const env = {
          ZAI_API_KEY: CANARY_KEY,
          GLM_QUOTA_BASE_URL: sim.url,
          GLM_QUOTA_NOW: MONDAY_PEAK,
          XDG_CACHE_HOME: cache,
        }
        expect((await runCli(["--json"], { ...env, HOME: cache })).code).toBe(0)
        // From now on the API answers nothing: the cached reading is all the plugin has.
        release = sim.hold()
        mock = await startMockModel({})
        oc = await startOpencode({
          pluginSpec: PLUGIN,
          pluginOptions: { model: mode },
          mock,
          env,
          extraConfig: { model: "zai-coding-plan/glm-5.3", provider: ordinaryProvider(mock) },
        })
      }, 120_000)

      afterAll(async () => {
        release()
        await oc?.stop()
        await mock?.close()
        await sim?.close()
        rmSync(cache, { recursive: true, force: true })
      })

      test(
        mode === "apply"
          ? "glm-5.3 becomes glm-5.3-flash (light, listed) and the prompt goes there"
          : "suggest leaves the configured glm-5.3 alone",
        async () => {
          const want = mode === "apply" ? "zai-coding-plan/glm-5.3-flash" : "zai-coding-plan/glm-5.3"
          const sid = await oc.createSession()
          if (mode === "apply") expect(await waitForModel(oc, want)).toBe(want)
          const { models, error } = await promptedModels(oc, mock, sid)
          expect(error).toBeUndefined()
          expect(models.length).toBeGreaterThan(0)
          expect(new Set(models)).toEqual(new Set([mode === "apply" ? "glm-5.3-flash" : "glm-5.3"]))
          expect(await configModel(oc)).toBe(want)
        },
      )
    },
  )
}
