// The plugin in the real opencode binary (1.18.33), offline, isolated, with a loopback mock model and the
// loopback Z.ai simulator. Loaded from the working tree by file:// (src/index.ts).
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { PATHS } from "../../src/zai/client.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, ROOT } from "../helpers.ts"
import { startMockModel, type MockModel } from "./mock-model.ts"
import { startOpencode, type OpencodeServer } from "./opencode.ts"
import { stopAll } from "./util.ts"

const PLUGIN = join(ROOT, "src", "index.ts")
const WEEKDAY_PEAK = "2026-03-02T07:30:00Z" // Monday 15:30 Beijing: quota and throttle peak
const SATURDAY = "2026-03-07T07:30:00Z"

type Part = { type: string; text?: string; tool?: string; state?: { status?: string; output?: string } }

async function parts(oc: OpencodeServer, sessionID: string): Promise<Part[]> {
  const r = await oc.client.session.messages({ path: { id: sessionID } })
  return (r.data ?? []).flatMap((m) => m.parts as Part[])
}

function toasts(oc: OpencodeServer, since = 0): { title: string; message: string; variant: string }[] {
  return oc.events.all
    .slice(since)
    .filter((e) => e.type === "tui.toast.show")
    .map((e) => e.properties as never)
}

async function prompt(oc: OpencodeServer, sessionID: string, text: string): Promise<void> {
  const since = oc.events.cursor()
  const r = await oc.client.session.prompt({ path: { id: sessionID }, body: { parts: [{ type: "text", text }] } })
  expect(r.response?.status).toBe(200)
  await oc.events.waitForType("session.idle", (e) => e.properties.sessionID === sessionID, 20_000, since)
  // Toasts from the idle hook are published right after it.
  await new Promise((r) => setTimeout(r, 300))
}

describe.sequential("weekday peak, Pro plan at 85 % of the five-hour window", { timeout: 90_000 }, () => {
  let sim: Simulator
  let mock: MockModel
  let oc: OpencodeServer

  beforeAll(async () => {
    sim = await startSimulator({
      now: () => new Date(WEEKDAY_PEAK),
      state: { fiveHourPercent: 85, weeklyPercent: 41, keys: [CANARY_KEY] },
    })
    mock = await startMockModel()
    oc = await startOpencode({
      pluginSpec: PLUGIN,
      pluginOptions: {},
      mock,
      env: { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: WEEKDAY_PEAK, TZ: "UTC" },
    })
  }, 90_000)

  afterAll(() => stopAll(oc, mock, sim))

  test("a peak toast after the first prompt, one quota toast at 85 %, nothing more on the second prompt", async () => {
    // Everything since the server started: the warnings may come with the session's creation or the start-up refresh.
    const sid = await oc.createSession()
    await prompt(oc, sid, "hello")
    await oc.events.waitForType("tui.toast.show", (e) => e.properties.title === "GLM peak hours", 10_000, 0)
    await oc.events.waitForType("tui.toast.show", (e) => (e.properties.title ?? "").startsWith("GLM 5-hour"), 10_000, 0)
    const first = toasts(oc, 0)
    expect(first.filter((t) => t.title === "GLM peak hours")).toHaveLength(1)
    expect(first.find((t) => t.title === "GLM peak hours")!.message).toMatch(
      /until 18:00 Beijing time \(10:00 your time\).*3× quota.*1302/,
    )
    const quota = first.filter((t) => t.title.startsWith("GLM 5-hour window"))
    expect(quota).toHaveLength(1)
    expect(quota[0]!.title).toBe("GLM 5-hour window 85 % used")
    // The first prompt of a fresh instance built the tool list after its chat.message hook loaded the rest of the
    // plugin: the agent got the zod schema's JSON Schema (window optional, its enum and description), not the fallback.
    type Tool = {
      function?: { name?: string; parameters?: { properties?: Record<string, unknown>; required?: string[] } }
    }
    const offered = mock.requests
      .flatMap((r) => (Array.isArray(r.body.tools) ? (r.body.tools as Tool[]) : []))
      .find((t) => t.function?.name === "glm_quota")
    expect(offered, "glm_quota offered to the model").toBeDefined()
    expect(offered!.function!.parameters!.properties!.window).toMatchObject({
      type: "string",
      enum: ["all", "five_hour", "weekly", "mcp_monthly"],
      description: expect.stringMatching(/^Which window/),
    })
    expect(offered!.function!.parameters!.required ?? []).not.toContain("window")
    const mid = oc.events.cursor()
    await prompt(oc, sid, "again")
    expect(
      toasts(oc, mid).filter((t) => t.title === "GLM peak hours" || t.title.startsWith("GLM 5-hour")),
    ).toHaveLength(0)
    // One background refresh served start-up, both turns and every toast check: one quota request.
    expect(sim.count(PATHS.quota)).toBe(1)
  })

  test("/glm-quota: the report with the simulator's numbers lands in the session; the model gets 0 calls", async () => {
    const sid = await oc.createSession()
    const before = mock.calls
    const r = await oc.client.session.command({ path: { id: sid }, body: { command: "glm-quota", arguments: "" } })
    // 1.18.33 has no way to end a command without the model but a thrown sentinel: the API answers 500 (FINDINGS.md).
    expect(r.response?.status).toBe(500)
    const text = (await parts(oc, sid)).map((p) => p.text ?? "").join("\n")
    const flat = text.replace(/\s+/g, " ")
    // Plain lines: 1.18.33's TUI draws a user message as it is, Markdown markers included.
    expect(text).not.toMatch(/\*\*|`/)
    expect(text).toContain("GLM Coding Plan · Pro")
    expect(text).toMatch(/5-hour +█+░+ +85 %/)
    expect(text).toMatch(/Weekly +█+░+ +41 %/)
    expect(flat).toContain("147 / 1,000 calls, 853 left")
    expect(flat).toMatch(/Peak hours \(quota, throttle\) until 18:00 Beijing time \(10:00 your time\)/)
    expect(flat).toMatch(/Model: glm-4\.7/)
    await new Promise((r) => setTimeout(r, 1000)) // a model call, if one were coming, would have started by now
    expect(mock.calls).toBe(before)
    expect(oc.logs()).not.toContain(CANARY_KEY)
  })

  test("/glm-quota json posts the contract", async () => {
    const sid = await oc.createSession()
    const before = mock.calls
    await oc.client.session.command({ path: { id: sid }, body: { command: "glm-quota", arguments: "json" } })
    const text = (await parts(oc, sid)).map((p) => p.text ?? "").join("\n")
    const json = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1))
    expect(json).toMatchObject({
      schema: 1,
      plan: "pro",
      binding: "five_hour",
      peak: { active: true, glm5Multiplier: 3 },
    })
    expect(mock.calls).toBe(before)
  })

  test("the model calls glm_quota and the tool result holds the report", async () => {
    mock.setScript([{ toolCall: { name: "glm_quota", args: {} } }, { text: "You have quota." }])
    const sid = await oc.createSession()
    await prompt(oc, sid, "how much quota do I have?")
    const tool = (await parts(oc, sid)).find((p) => p.type === "tool" && p.tool === "glm_quota")
    expect(tool?.state?.status).toBe("completed")
    expect(tool?.state?.output).toContain("GLM Coding Plan · Pro")
    expect(tool?.state?.output).toMatch(/85 % used/)
  })

  test("glm_model with arguments the model wrote: the recommended model and why", async () => {
    mock.setScript([{ toolCall: { name: "glm_model", args: {} } }, { text: "ok" }])
    const sid = await oc.createSession()
    await prompt(oc, sid, "which model?")
    const tool = (await parts(oc, sid)).find((p) => p.type === "tool" && p.tool === "glm_model")
    expect(tool?.state?.output).toMatch(/^glm-4\.7 \(GLM-4\.7 class\) — /)
  })
})

describe.sequential("Saturday: no peak; provider errors become advice", { timeout: 120_000 }, () => {
  let sim: Simulator
  let mock: MockModel
  let oc: OpencodeServer

  beforeAll(async () => {
    sim = await startSimulator({ now: () => new Date(SATURDAY), state: { fiveHourPercent: 20, keys: [CANARY_KEY] } })
    mock = await startMockModel()
    oc = await startOpencode({
      pluginSpec: PLUGIN,
      mock,
      env: { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: SATURDAY, TZ: "UTC" },
    })
  }, 90_000)

  afterAll(() => stopAll(oc, mock, sim))

  test("on a Saturday a prompt shows no peak toast", async () => {
    const sid = await oc.createSession()
    const since = oc.events.cursor()
    await prompt(oc, sid, "hello")
    expect(toasts(oc, since).filter((t) => t.title === "GLM peak hours")).toHaveLength(0)
    expect(toasts(oc, since).filter((t) => t.title.startsWith("GLM 5-hour"))).toHaveLength(0)
  })

  test("a 429 with code 1311 gives the model advice toast", async () => {
    mock.setScript([
      {
        status: 429,
        body: { error: { code: "1311", message: "The current plan does not include access to this model" } },
        headers: { "retry-after-ms": "20" },
      },
      {
        status: 429,
        body: { error: { code: "1311", message: "The current plan does not include access to this model" } },
        headers: { "retry-after-ms": "20" },
      },
      {
        status: 429,
        body: { error: { code: "1311", message: "The current plan does not include access to this model" } },
        headers: { "retry-after-ms": "20" },
      },
      {
        status: 429,
        body: { error: { code: "1311", message: "The current plan does not include access to this model" } },
        headers: { "retry-after-ms": "20" },
      },
      {
        status: 429,
        body: { error: { code: "1311", message: "The current plan does not include access to this model" } },
        headers: { "retry-after-ms": "20" },
      },
      {
        status: 429,
        body: { error: { code: "1311", message: "The current plan does not include access to this model" } },
        headers: { "retry-after-ms": "20" },
      },
    ])
    const sid = await oc.createSession()
    const since = oc.events.cursor()
    await oc.client.session
      .prompt({ path: { id: sid }, body: { parts: [{ type: "text", text: "use glm-5" }] } })
      .catch(() => undefined)
    const toast = await oc.events.waitForType(
      "tui.toast.show",
      (e) => (e.properties.title ?? "").includes("1311"),
      30_000,
      since,
    )
    expect(toast.properties.message).toMatch(/switch with \/models to one it has, such as glm-[\d.]+/)
    expect(toast.properties.variant).toBe("error")
  })
})
