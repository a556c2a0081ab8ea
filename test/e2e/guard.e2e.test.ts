// The request guard in the real binary: a Z.ai-like inference endpoint that admits one request in flight and answers
// 429 code 1302 beyond it; four sessions prompt at once.
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, ROOT } from "../helpers.ts"
import { oneAtATime, type Endpoint } from "./one-at-a-time.ts"
import { startOpencode, type OpencodeServer } from "./opencode.ts"
import { stopAll } from "./util.ts"

const NOW = "2026-03-07T07:30:00Z"

for (const guard of ["off", "on"] as const) {
  describe.sequential(`guard ${guard}`, { timeout: 150_000 }, () => {
    let sim: Simulator
    let zai: Endpoint
    let oc: OpencodeServer

    beforeAll(async () => {
      sim = await startSimulator({ now: () => new Date(NOW), state: { keys: [CANARY_KEY] } })
      // Without the guard the next request comes while the first is held: give a loaded machine 5 s to send it. With the
      // guard it never comes while one is in flight, so each stream would only wait out the hold.
      zai = await oneAtATime(guard === "off" ? 5000 : 1000)
      oc = await startOpencode({
        pluginSpec: join(ROOT, "src", "index.ts"),
        pluginOptions: { guard: guard === "off" ? "off" : { limits: { default: 1 } }, toasts: false },
        env: { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: NOW },
        extraConfig: {
          model: "zai-coding-plan/glm-4.7",
          provider: {
            "zai-coding-plan": {
              npm: "@ai-sdk/openai-compatible",
              name: "Z.ai Coding Plan (test endpoint)",
              options: { baseURL: zai.url, apiKey: "dummy" },
              models: { "glm-4.7": { name: "GLM-4.7", tool_call: true, limit: { context: 100000, output: 4096 } } },
            },
          },
        },
      })
    }, 120_000)

    afterAll(() => stopAll(oc, zai, sim))

    test(
      guard === "off"
        ? "four sessions at once: requests overlap at the endpoint, which refuses some with 1302"
        : "four sessions at once: all complete, never two in flight, no 1302",
      async () => {
        const sessions = await Promise.all([1, 2, 3, 4].map(() => oc.createSession()))
        await Promise.all(
          sessions.map((id, i) =>
            oc.client.session
              .prompt({ path: { id }, body: { parts: [{ type: "text", text: `task ${i}` }] } })
              .catch(() => undefined),
          ),
        )
        // The error each session's turn ended with, if any (OpenCode and its AI SDK retry a 1302 a few times first).
        const errors = await Promise.all(
          sessions.map(async (id) => {
            const r = await oc.client.session.messages({ path: { id } })
            const info = r.data?.at(-1)?.info as { error?: { data?: { message?: string } } } | undefined
            return info?.error?.data?.message ?? null
          }),
        )
        if (guard === "off") {
          // What the guard controls is whether a second request reaches the endpoint while one is in flight. Whether a
          // turn then fails is OpenCode's retry policy (how often, how long it backs off), not ours: asserting on it
          // made this test fail on a fresh clone whenever OpenCode's retries happened to get through.
          expect(zai.rejected, `errors: ${JSON.stringify(errors)}`).toBeGreaterThan(0)
          expect(zai.maxInFlight).toBe(1)
          return
        }
        expect(errors).toEqual([null, null, null, null])
        expect(zai.rejected).toBe(0)
        expect(zai.maxInFlight).toBe(1)
        expect(zai.completed).toBe(4)
        for (const id of sessions) expect(await oc.sessionText(id)).toContain("assistant: all done here")
        const report = await oc.createSession()
        await oc.client.session.command({ path: { id: report }, body: { command: "glm-quota", arguments: "" } })
        expect(await oc.sessionText(report)).toMatch(
          /Request guard \(this OpenCode process\): 0 in flight, 0 queued, 0 retried/,
        )
      },
    )
  })
}
