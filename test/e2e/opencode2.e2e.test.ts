// The package in the real OpenCode 2 (2.2.5), installed the way 2.x users install it: the package directory in the
// `plugins` key, a Coding Plan provider declared with options only (its models from 2.x's own catalog), the key stored
// by OpenCode itself (opencode.db) — no key in the environment. Each test is one thing a 1.x user has.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, runCli } from "../helpers.ts"
import { startMockModel, type MockModel } from "./mock-model.ts"
import { oneAtATime, type Endpoint } from "./one-at-a-time.ts"
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

describe.sequential("OpenCode 2.2.5: this machine's record and apply mode", () => {
  let sim: Simulator
  let mock: MockModel
  let oc: Opencode2
  const sessionModel = async (sid: string) =>
    (await oc.api<{ data?: { model?: { id?: string } } }>("GET", `/api/session/${sid}`)).data.data?.model?.id ?? null

  beforeAll(async () => {
    sim = await startSimulator({ now: () => new Date(SATURDAY), state: { keys: [CANARY_KEY] } })
    mock = await startMockModel({
      fallback: { text: "done", usage: { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 } },
    })
    oc = await startOpencode2({
      modelUrl: mock.url,
      model: "zai-coding-plan/glm-5.3-flash",
      pluginOptions: { model: "apply" },
      storedKey: CANARY_KEY,
      env: { GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: SATURDAY },
    })
  }, 120_000)

  afterAll(() => stopAll(oc, mock, sim))

  test("Saturday off-peak on Pro: a new session is switched to glm-5.3, a listed id, and the prompt goes there", async () => {
    const listed = await oc.api<{ data: { providerID: string; id: string }[] }>("GET", "/api/model")
    const ids = listed.data.data.filter((m) => m.providerID === "zai-coding-plan").map((m) => m.id)
    expect(ids).toContain("glm-5.3")
    expect(ids).not.toContain("glm-5")
    const sid = await oc.createSession()
    await until(
      async () => (await sessionModel(sid)) === "glm-5.3",
      20_000,
      () => "the session was not switched",
    )
    const before = mock.requests.length
    await oc.prompt(sid, "refactor this")
    const models = mock.requests
      .slice(before)
      .filter((r) => !r.isTitle)
      .map((r) => r.model)
    expect(models).toEqual(["glm-5.3"])
  })

  test("a model the user picks in a session is kept after the next turn", async () => {
    const sid = await oc.createSession()
    await until(
      async () => (await sessionModel(sid)) === "glm-5.3",
      20_000,
      () => "the session was not switched",
    )
    const picked = await oc.api("POST", `/api/session/${sid}/model`, {
      model: { providerID: "zai-coding-plan", id: "glm-5.3-highspeed" },
    })
    expect(picked.status).toBeLessThan(300)
    for (const text of ["one", "two"]) {
      const before = mock.requests.length
      await oc.prompt(sid, text)
      const models = mock.requests
        .slice(before)
        .filter((r) => !r.isTitle)
        .map((r) => r.model)
      expect(models).toEqual(["glm-5.3-highspeed"])
    }
    expect(await sessionModel(sid)).toBe("glm-5.3-highspeed")
  })

  test("the turns are in this machine's record, which /glm-quota and the CLI read", async () => {
    const sid = await oc.createSession()
    await oc.command(sid, "glm-quota")
    await until(
      async () => (await oc.texts(sid)).some((t) => /This machine, last 5 h: [1-9]\d* prompts?/.test(t)),
      20_000,
      () => "the record never showed a prompt",
    )
    const text = (await oc.texts(sid)).find((t) => /This machine, last 5 h/.test(t))!
    expect(text).toMatch(/[1-9]\d* model calls?/)
    // The plugin's clock runs from GLM_QUOTA_NOW; the CLI's stands still: ask it ten minutes on.
    const later = new Date(Date.parse(SATURDAY) + 600_000).toISOString()
    const env = { ...oc.env, ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: later }
    const cli = await runCli(["--json"], env)
    expect(cli.code, cli.stderr).toBe(0)
    type Local = { prompts?: number; calls?: number; tokens?: { input?: number } }
    const local = (JSON.parse(cli.stdout) as { local?: { summary?: Local } }).local?.summary
    expect(local?.prompts).toBeGreaterThanOrEqual(3)
    expect(local?.calls).toBeGreaterThanOrEqual(3)
    expect(local?.tokens?.input).toBeGreaterThanOrEqual(3000)
  })
})

describe.sequential("OpenCode 2.2.5: failures end in one plain sentence", () => {
  let sim: Simulator
  let mock: MockModel
  const started: Opencode2[] = []
  const start = async (env: Record<string, string>, storedKey = CANARY_KEY) => {
    const oc = await startOpencode2({ modelUrl: mock.url, storedKey, env: { GLM_QUOTA_NOW: SATURDAY, ...env } })
    started.push(oc)
    return oc
  }
  const answerOf = async (oc: Opencode2, match: RegExp) => {
    const sid = await oc.createSession()
    await oc.command(sid, "glm-quota")
    await until(
      async () => (await oc.texts(sid)).some((t) => match.test(t)),
      20_000,
      () => `nothing like ${match}`,
    )
    return (await oc.texts(sid)).filter((t) => t.includes("glm-quota") || match.test(t))
  }

  beforeAll(async () => {
    sim = await startSimulator({ now: () => new Date(SATURDAY), state: { keys: [CANARY_KEY] } })
    mock = await startMockModel({})
  }, 60_000)

  afterAll(() => stopAll(...started, mock, sim))

  test("a rejected key", async () => {
    const oc = await start({ GLM_QUOTA_BASE_URL: sim.url }, "sk-not-a-real-key-0000")
    const [text] = await answerOf(oc, /rejected|not accepted|invalid/i)
    expect(text).toMatch(/^\*\*glm-quota:\*\* [^\n]+\.$/)
    expect(text).not.toContain("sk-not-a-real-key")
    expect(mock.calls).toBe(0)
  })

  test("an unreachable API", async () => {
    const oc = await start({ GLM_QUOTA_BASE_URL: "http://127.0.0.1:9" })
    const [text] = await answerOf(oc, /could not (be )?reach|unreachable|network|connect/i)
    expect(text).toMatch(/^\*\*glm-quota:\*\* [^\n]+\.$/)
    expect(mock.calls).toBe(0)
  })

  test("a hanging API: a sentence within seconds, the report when it answers", async () => {
    const oc = await start({ GLM_QUOTA_BASE_URL: sim.url })
    const release = sim.hold()
    const sid = await oc.createSession()
    const t0 = Date.now()
    await oc.command(sid, "glm-quota")
    await until(
      async () => (await oc.texts(sid)).some((t) => /still waiting/.test(t)),
      10_000,
      () => "no interim",
    )
    expect(Date.now() - t0).toBeLessThan(8000)
    release()
    await until(
      async () => (await oc.texts(sid)).some((t) => /5-hour/.test(t)),
      20_000,
      () => "no report after",
    )
    expect(mock.calls).toBe(0)
  })
})

describe.sequential("OpenCode 2.2.5: what a turn costs", () => {
  // As test/e2e/turns.e2e.test.ts for 1.18.33: 42,000 prompt tokens of which 30,000 cached and 2,000 completion tokens
  // on glm-5.3 are (12,000 × 6.9 + 30,000 × 1.7 + 2,000 × 24) / 10,000 = 18.18 credits at the peak, half off-peak.
  const USAGE = { prompt_tokens: 42_000, completion_tokens: 2_000, prompt_tokens_details: { cached_tokens: 30_000 } }
  let sim: Simulator | undefined
  let mock: MockModel | undefined
  let oc: Opencode2 | undefined
  afterEach(() => stopAll(oc, mock, sim))

  test.each([
    { phase: "peak", now: "2026-12-07T07:30:00Z", credits: 18.18, shown: "18.2" },
    { phase: "off-peak", now: "2026-12-05T04:00:00Z", credits: 9.09, shown: "9.1" },
  ])("one turn at the $phase costs $credits credits, from 2.x's step tokens", async ({ now, credits, shown }) => {
    sim = await startSimulator({ now: () => new Date(now), state: { keys: [CANARY_KEY], era: "credit" } })
    mock = await startMockModel({ fallback: { text: "done", usage: USAGE as never } })
    oc = await startOpencode2({
      modelUrl: mock.url,
      storedKey: CANARY_KEY,
      env: { GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: now },
    })
    const sid = await oc.createSession()
    await oc.prompt(sid, "do the thing")
    const report = await oc.createSession()
    await oc.command(report, "glm-quota", "json")
    let json = ""
    await until(
      async () => {
        json = (await oc!.texts(report)).find((t) => t.includes('"turns"')) ?? ""
        return json !== ""
      },
      20_000,
      () => "no JSON report",
    )
    const r = JSON.parse(json.slice(json.indexOf("{"), json.lastIndexOf("}") + 1))
    expect(r.turns.last).toMatchObject({
      credits,
      model: "glm-5.3",
      calls: 1,
      tokens: { input: 12_000, cacheRead: 30_000, output: 2_000 },
    })
    await oc.command(report, "glm-quota")
    await until(
      async () => (await oc!.texts(report)).some((t) => t.includes(`Last turn: ${shown} credits`)),
      20_000,
      () => `no "Last turn: ${shown} credits"`,
    )
  })
})

describe.sequential("OpenCode 2.2.5: the request guard", () => {
  let sim: Simulator
  let zai: Endpoint
  let oc: Opencode2

  beforeAll(async () => {
    sim = await startSimulator({ now: () => new Date(SATURDAY), state: { keys: [CANARY_KEY] } })
    zai = await oneAtATime(1000)
    oc = await startOpencode2({
      modelUrl: zai.url,
      storedKey: CANARY_KEY,
      pluginOptions: { guard: { limits: { default: 1 } } },
      env: { GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: SATURDAY },
    })
  }, 120_000)

  afterAll(() => stopAll(oc, zai, sim))

  test("four sessions at once: never two requests in flight at the endpoint, no 1302, every turn ends", async () => {
    const sessions = await Promise.all([1, 2, 3, 4].map(() => oc.createSession()))
    await Promise.all(sessions.map((sid, i) => oc.prompt(sid, `task ${i}`)))
    expect(zai.maxInFlight).toBe(1)
    expect(zai.rejected).toBe(0)
    expect(zai.completed).toBeGreaterThanOrEqual(4)
    for (const sid of sessions) expect((await oc.texts(sid)).join("\n")).toContain("all done here")
  })
})
