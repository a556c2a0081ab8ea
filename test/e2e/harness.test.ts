// Verifies the e2e harness against the real opencode binary with a scratch plugin (fixtures/probe-plugin.ts).
// Timings are printed ([e2e timing] …) so the suite can budget time.
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { seedConfigDir } from "./isolation.ts"
import { startMockModel, type MockModel } from "./mock-model.ts"
import { runOpencode, startOpencode, type OpencodeServer } from "./opencode.ts"
import { FIXTURES_DIR } from "./util.ts"

const PROBE = join(FIXTURES_DIR, "probe-plugin.ts")

function timing(label: string, ms: number): void {
  process.stdout.write(`[e2e timing] ${label}: ${ms} ms\n`)
}

describe("mock model", () => {
  test("streams text, tool calls and errors; counts calls", async () => {
    const mock = await startMockModel({
      script: [
        { text: "hello world" },
        { toolCall: { name: "glm_quota", args: { x: 1 } } },
        { status: 429, body: { error: { code: "1311", message: "limit" } } },
      ],
    })
    try {
      const post = (body: object) =>
        fetch(`${mock.url}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(5000),
        })
      const a = await (await post({ model: "m", stream: true, messages: [] })).text()
      expect(a).toContain('"content":"hello')
      expect(a.trim().endsWith("data: [DONE]")).toBe(true)
      const b = await (await post({ model: "m", stream: true, messages: [] })).text()
      expect(b).toContain('"tool_calls":[{"index":0')
      expect(b).toContain('"finish_reason":"tool_calls"')
      const c = await post({ model: "m", stream: true, messages: [] })
      expect(c.status).toBe(429)
      expect(await c.json()).toEqual({ error: { code: "1311", message: "limit" } })
      const models = (await (await fetch(`${mock.url}/models`, { signal: AbortSignal.timeout(5000) })).json()) as {
        data: { id: string }[]
      }
      expect(models.data[0]?.id).toBe("mock-model")
      expect(mock.calls).toBe(3)
      expect(mock.requests[0]?.model).toBe("m")
    } finally {
      await mock.close()
    }
  })
})

describe.sequential("harness against the real binary", { timeout: 60_000 }, () => {
  let oc: OpencodeServer
  let mock: MockModel

  beforeAll(async () => {
    let t = Date.now()
    await seedConfigDir()
    timing("seedConfigDir", Date.now() - t)
    mock = await startMockModel({ script: [{ text: "first answer" }] })
    t = Date.now()
    oc = await startOpencode({
      pluginSpec: PROBE,
      pluginOptions: { marker: "m-42" },
      env: { PROBE_ENV: "passed-through" },
      mock,
    })
    timing("startOpencode total", Date.now() - t)
    timing("  spawn→listening", oc.timings.spawnToListenMs)
    timing("  listening→ready (plugins loaded, SSE connected)", oc.timings.listenToReadyMs)
  }, 90_000)

  afterAll(async () => {
    if (oc) {
      await oc.stop()
      timing("stop (kill tree + rm temp)", oc.timings.stopMs ?? -1)
    }
    await mock?.close()
  }, 30_000)

  test("the plugin's command is listed by GET /command", async () => {
    const t = Date.now()
    const r = await oc.client.command.list()
    timing("GET /command", Date.now() - t)
    expect(r.data?.map((c) => c.name)).toContain("probe")
    const raw = await oc.fetch("/command")
    expect(raw.status).toBe(200)
  })

  test("session.command answers in the session with zero model calls", async () => {
    const sid = await oc.createSession()
    const before = mock.calls
    const t = Date.now()
    const r = await oc.client.session.command({
      path: { id: sid },
      body: { command: "probe", arguments: "now please" },
    })
    timing("session.command (sentinel path)", Date.now() - t)
    // The thrown sentinel surfaces as HTTP 500 (documented in FINDINGS.md).
    expect(r.response?.status).toBe(500)
    const text = await oc.sessionText(sid)
    expect(text).toContain('PROBE-REPORT marker=m-42 args="now please" env=passed-through')
    expect(mock.calls).toBe(before)
    expect(oc.logs()).toContain("__PROBE_COMMAND_HANDLED__")
  })

  test("a prompt reaches the mock and session.idle yields a tui.toast.show event", async () => {
    const sid = await oc.createSession()
    const since = oc.events.cursor()
    const t = Date.now()
    const r = await oc.client.session.prompt({ path: { id: sid }, body: { parts: [{ type: "text", text: "hello" }] } })
    timing("session.prompt (one model turn)", Date.now() - t)
    expect(r.response?.status).toBe(200)
    const toast = await oc.events.waitForType(
      "tui.toast.show",
      (e) => e.properties.message.includes(sid),
      15_000,
      since,
    )
    timing("prompt → toast event", Date.now() - t)
    expect(toast.properties).toMatchObject({ title: "probe", variant: "info" })
    expect(toast.properties.message).toContain("marker=m-42")
    expect(mock.chatCalls).toBeGreaterThanOrEqual(1)
    expect(await oc.sessionText(sid)).toContain("assistant: first answer")
  })
})

describe("runOpencode", () => {
  test("opencode run --command runs the plugin's command to completion", async () => {
    const t = Date.now()
    const r = await runOpencode(["run", "--command", "probe", "x"], {
      pluginSpec: PROBE,
      pluginOptions: { marker: "run" },
      timeoutMs: 60_000,
    })
    timing("runOpencode run --command (whole process)", Date.now() - t)
    expect(r.timedOut).toBe(false)
    // The sentinel makes `opencode run --command` exit 1 (see FINDINGS.md); no model call happens.
    expect(r.code).toBe(1)
    expect(r.mock.calls).toBe(0)
  }, 90_000)

  test("opencode run with a prompt prints the mock's answer", async () => {
    const t = Date.now()
    const r = await runOpencode(["run", "say hi"], {
      mockOptions: { script: [{ text: "hi from mock" }] },
      timeoutMs: 60_000,
    })
    timing("runOpencode run PROMPT (whole process)", Date.now() - t)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("hi from mock")
  }, 90_000)
})
