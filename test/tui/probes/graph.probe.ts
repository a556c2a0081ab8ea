// Probe (not part of the suite): do the TUI half and the server half share a module graph in opencode 1.18.33?
// And which /glm-quota wins in the autocomplete when the server command and a TUI slash command share the name?
//   npx tsx test/tui/probes/graph.probe.ts
// Knobs: DESC (the TUI command's description), ALIAS=1 (alias = its own name), STEPS=/g,lm,-q,uota (type piece by piece,
// print the autocomplete after each, then Enter), QUERY + ONLY_AUTOCOMPLETE=1. Evidence: .tmp/probes/tui-graph/.
// Found (1.18.33): server half in a Worker (threadId 1), TUI half on the main thread (threadId 0), one pid, the shared
// module evaluated once in each; with equal names the server's /glm-quota ranks first unless the TUI entry's alias
// repeats its name (fuzzysort scores the alias key too).
import { readFileSync, existsSync } from "node:fs"
import { join } from "node:path"
import { startMockModel } from "../../e2e/mock-model.ts"
import { REPO_ROOT } from "../../e2e/util.ts"
import { startTui } from "../../e2e/tmux.ts"

const FIX = join(REPO_ROOT, "test/tui/fixtures")
const OUT = join(REPO_ROOT, ".tmp/probes/tui-graph")

async function main() {
  const mock = await startMockModel({ script: () => ({ text: "MOCK-ANSWER-TEXT" }) })
  const traceFile = join(OUT, "trace.jsonl")
  const tui = await startTui({
    outDir: OUT,
    mock,
    pluginSpec: join(REPO_ROOT, "src/index.ts"),
    plugins: [[join(FIX, "graph-server.ts"), { traceFile }]],
    tuiConfig: {
      plugin: [
        [
          join(FIX, "graph-tui.ts"),
          {
            traceFile,
            ...(process.env.DESC ? { description: process.env.DESC } : {}),
            alias: process.env.ALIAS === "1",
          },
        ],
      ],
    },
    env: { ZAI_API_KEY: "sk-probe", GLM_QUOTA_BASE_URL: "http://127.0.0.1:9" },
  })
  const t0 = Date.now()
  try {
    await tui.waitFor(/Ask anything/, 90_000)
    console.log("ready after", Date.now() - t0)
    tui.save("start")
    if (process.env.STEPS) {
      for (const step of process.env.STEPS.split(",")) {
        tui.type(step)
        await new Promise((r) => setTimeout(r, 2500))
        console.log(
          "after " +
            step +
            "\n" +
            tui
              .save("step")
              .split("\n")
              .filter((l) => l.includes("/glm") || l.includes("No matching"))
              .join("\n"),
        )
      }
      tui.press("Enter")
      await new Promise((r) => setTimeout(r, 2500))
      console.log(tui.save("enter"))
      tui.press("Enter")
      await new Promise((r) => setTimeout(r, 1500))
      console.log(tui.save("enter2"))
      return
    }
    tui.type(process.env.QUERY ?? "/glm-quo")
    await tui.waitFor(/glm-quota.*\n.*glm-quota/, 10_000)
    if (process.env.ONLY_AUTOCOMPLETE) {
      console.log(
        tui
          .save("autocomplete")
          .split("\n")
          .filter((l) => l.includes("/glm"))
          .join("\n"),
      )
      return
    }
    await new Promise((r) => setTimeout(r, 1500))
    console.log(tui.save("autocomplete"))
    tui.press("Enter")
    await new Promise((r) => setTimeout(r, 2500))
    console.log(tui.save("after-enter"))
    tui.press("Escape")
    await new Promise((r) => setTimeout(r, 800))
    tui.type("hello there")
    tui.press("Enter")
    await tui.waitFor(/MOCK-ANSWER-TEXT/, 30_000)
    await new Promise((r) => setTimeout(r, 3000))
    console.log(tui.save("session"))
  } finally {
    await tui.stop()
    await mock.close()
    console.log(existsSync(traceFile) ? readFileSync(traceFile, "utf8") : "no trace")
  }
}
main().catch((e) => {
  console.error(e)
  process.exit(1)
})
