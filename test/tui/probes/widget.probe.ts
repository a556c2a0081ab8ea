// Probe (not part of the suite): the real TUI half in the real binary against the simulator; prints screens.
//   npx tsx test/tui/probes/widget.probe.ts      OPTS='{"widget":"prompt"}' NOW=2026-03-02T07:30:00Z
import { join } from "node:path"
import { startMockModel } from "../../e2e/mock-model.ts"
import { REPO_ROOT, sleep } from "../../e2e/util.ts"
import { PATHS } from "../../../src/zai/client.ts"
import { startSimulator } from "../../support/simulator.ts"
import { startTui } from "../../e2e/tmux.ts"

async function main() {
  const NOW = process.env.NOW
  const sim = await startSimulator(NOW ? { now: () => new Date(NOW) } : {})
  const mock = await startMockModel({
    models: ["glm-5", "glm-4.7", "mock-model"],
    script: () => ({ text: "MOCK-ANSWER-TEXT" }),
  })
  const m = (id: string) => ({ name: id, tool_call: true, limit: { context: 100000, output: 4096 } })
  const zai = process.env.ZAI
    ? {
        model: "zai-coding-plan/glm-5",
        provider: {
          "zai-coding-plan": {
            npm: "@ai-sdk/openai-compatible",
            name: "Z.AI Coding Plan",
            options: { baseURL: mock.url, apiKey: "cfg-key" },
            models: { "glm-5": m("glm-5"), "glm-4.7": m("glm-4.7") },
          },
        },
      }
    : undefined
  const opts = JSON.parse(process.env.OPTS ?? "{}")
  const tui = await startTui({
    outDir: join(REPO_ROOT, ".tmp/probes/tui-widget"),
    mock,
    extraConfig: zai,
    pluginSpec: process.env.NO_SERVER ? undefined : (process.env.SERVER_SPEC ?? join(REPO_ROOT, "src/index.ts")),
    tuiConfig: { plugin: [[process.env.TUI_SPEC ?? join(REPO_ROOT, "src/tui.ts"), opts]] },
    env: {
      ZAI_API_KEY: "sk-probe",
      GLM_QUOTA_BASE_URL: sim.url,
      TZ: process.env.PROBE_TZ ?? "UTC",
      ...(NOW ? { GLM_QUOTA_NOW: NOW } : {}),
      ...(process.env.REFRESH ? { GLM_QUOTA_TEST_REFRESH_MS: process.env.REFRESH } : {}),
    },
  })
  const t0 = Date.now()
  try {
    await tui.waitFor(/Ask anything/, 90_000)
    console.log("ready after", Date.now() - t0, "quota requests", sim.count(PATHS.quota))
    console.log(tui.save("home"))
    tui.type("hello there")
    tui.press("Enter")
    await tui.waitFor(/MOCK-ANSWER-TEXT/, 30_000)
    await sleep(2000)
    console.log(tui.save("session"))
    if (process.env.SET) {
      sim.set(JSON.parse(process.env.SET))
      await sleep(Number(process.env.WAIT ?? 8000))
      console.log(tui.save("after-set"))
    }
    tui.type("/glm-quota")
    await sleep(1500)
    console.log(tui.save("autocomplete"))
    tui.press("Enter")
    await sleep(2500)
    console.log(tui.save("dialog"))
    console.log("quota requests", sim.count(PATHS.quota), "mock calls", mock.calls)
  } finally {
    await tui.stop()
    await mock.close()
    await sim.close()
  }
}
main().catch((e) => {
  console.error(e)
  process.exit(1)
})
