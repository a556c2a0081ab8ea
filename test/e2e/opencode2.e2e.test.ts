// The package in the real OpenCode 2 (2.2.5), installed the way 2.x users install it: the package directory in the
// `plugins` key, a Coding Plan provider declared with options only (its models from 2.x's own catalog), the key stored
// by OpenCode itself (opencode.db) — no key in the environment. Each test is one thing a 1.x user has.
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY } from "../helpers.ts"
import { startMockModel, type MockModel } from "./mock-model.ts"
import { startOpencode2, until, type Opencode2 } from "./opencode2.ts"
import { stopAll } from "./util.ts"

const SATURDAY = "2026-12-05T04:00:00Z" // 12:00 Beijing, Saturday: off-peak

describe.sequential("OpenCode 2.2.5: the package directory in `plugins`, the key in opencode.db", () => {
  let sim: Simulator
  let mock: MockModel
  let oc: Opencode2

  beforeAll(async () => {
    sim = await startSimulator({ now: () => new Date(SATURDAY), state: { keys: [CANARY_KEY] } })
    mock = await startMockModel({})
    oc = await startOpencode2({
      modelUrl: mock.url,
      storedKey: CANARY_KEY,
      env: { GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: SATURDAY },
    })
  }, 120_000)

  afterAll(() => stopAll(oc, mock, sim))

  test("the plugin is active", async () => {
    const p = await oc.plugin()
    expect(p?.state).toEqual({ status: "active" })
    expect(p?.features).toMatchObject({ server: true, tui: true })
  })

  test("/glm-quota is listed once and posts the report with no model request", async () => {
    const commands = await oc.api<{ data: { name: string }[] }>("GET", "/api/command")
    expect(commands.data.data.filter((c) => c.name === "glm-quota")).toHaveLength(1)
    const sid = await oc.createSession()
    const calls = mock.calls
    expect(await oc.command(sid, "glm-quota")).toBe(204)
    await until(
      async () => (await oc.texts(sid)).some((t) => /5-hour/.test(t)),
      20_000,
      () => "no report posted",
    )
    const text = (await oc.texts(sid)).find((t) => /5-hour/.test(t))!
    expect(text).toMatch(/GLM Coding Plan · Pro/)
    expect(text).toMatch(/Weekly/)
    expect(text).not.toContain(CANARY_KEY)
    expect(sim.requests.some((r) => r.authorization?.includes(CANARY_KEY))).toBe(true)
    expect(mock.calls).toBe(calls)
  })

  test("/glm-quota doctor posts the set-up checks, with no model request", async () => {
    const sid = await oc.createSession()
    const calls = mock.calls
    await oc.command(sid, "glm-quota", "doctor")
    await until(
      async () => (await oc.texts(sid)).some((t) => /doctor/i.test(t)),
      30_000,
      () => "no checks posted",
    )
    const text = (await oc.texts(sid)).find((t) => /doctor/i.test(t))!
    expect(text).toMatch(/key/)
    expect(text).not.toContain(CANARY_KEY)
    expect(mock.calls).toBe(calls)
  })

  test("the agent calls glm_quota and glm_model; the answers go back to the model", async () => {
    mock.setScript([
      {
        toolCalls: [
          { name: "glm_quota", args: { window: "weekly" } },
          { name: "glm_model", args: {} },
        ],
      },
      { text: "noted" },
    ])
    const sid = await oc.createSession()
    const before = mock.requests.length
    await oc.prompt(sid, "how much quota is left?")
    const sent = mock.requests.slice(before).filter((r) => !r.isTitle)
    const tools = ((sent[0]?.body.tools as { function: { name: string } }[] | undefined) ?? []).map(
      (t) => t.function.name,
    )
    expect(tools).toEqual(expect.arrayContaining(["glm_quota", "glm_model"]))
    const followUp = JSON.stringify(sent[1]?.body.messages ?? [])
    expect(followUp).toMatch(/Weekly/)
    expect(followUp).toMatch(/glm-5\.3/)
    expect(followUp).not.toContain(CANARY_KEY)
    mock.setScript([])
  })
})
