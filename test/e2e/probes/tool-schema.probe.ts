// FINDINGS.md §6: which tool `args` shapes opencode 1.18.33 accepts without the plugin importing classic zod.
// One server per variant (fixtures/tool-schema-probe.ts, options.variant); three prompts each, the mock model calling
// probe_window with { window: "weekly" }, { window: "yearly" } and {}; prints the tool definition the model got, what
// execute received, and the tool result / error text sent back to the model.
// The case "import-cost" times the imports in the binary's own Bun.
//   npx vitest run --config test/e2e/probes/vitest.config.ts tool-schema      CASES=mini-describe,empty selects variants
import { test } from "vitest"
import { execFileSync } from "node:child_process"
import { join } from "node:path"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { startMockModel, type MockRequest } from "../mock-model.ts"
import { OPENCODE_BIN, startOpencode } from "../opencode.ts"
import { FIXTURES_DIR, REPO_ROOT } from "../util.ts"
import { readTrace } from "./common.ts"

const PLUGIN = join(FIXTURES_DIR, "tool-schema-probe.ts")
const VARIANTS = [
  "classic",
  "mini-describe",
  "mini-meta",
  "mini-prop",
  "mini-both",
  "plugin-schema",
  "json-schema",
  "empty",
]
const CALLS: Record<string, Record<string, unknown>> = {
  good: { window: "weekly" },
  bad: { window: "yearly" },
  none: {},
}
const only = process.env.CASES?.split(",")
const summary: Record<string, unknown>[] = []

type Msg = { role?: string; content?: unknown; tool_call_id?: string }
const messagesOf = (r: MockRequest) => (Array.isArray(r.body.messages) ? (r.body.messages as Msg[]) : [])
const text = (c: unknown) => (typeof c === "string" ? c : JSON.stringify(c))

for (const variant of VARIANTS) {
  test.runIf(!only || only.includes(variant))(variant, async () => {
    const mock = await startMockModel({
      script: (req) => {
        const last = messagesOf(req).at(-1)
        if (last?.role === "tool") return { text: "ok" }
        const m = /CALL-(\w+)/.exec(text(last?.content))
        const args = m?.[1] ? CALLS[m[1]] : undefined
        return args ? { toolCall: { name: "probe_window", args } } : { text: "no call" }
      },
    })
    const traceFile = join(mkdtempSync(join(tmpdir(), "tool-schema-")), "trace.jsonl")
    const oc = await startOpencode({ pluginSpec: PLUGIN, pluginOptions: { variant, traceFile }, mock })
    const out: Record<string, unknown> = { variant }
    try {
      out.traceAtReady = readTrace(traceFile).map(({ at: _at, ...t }) => t)
      const results: Record<string, unknown> = {}
      for (const [name] of Object.entries(CALLS)) {
        const sid = await oc.createSession()
        const from = mock.requests.length
        const r = await oc.client.session.prompt({
          path: { id: sid },
          body: { parts: [{ type: "text", text: `CALL-${name}` }] },
        })
        const reqs = mock.requests.slice(from).filter((q) => !q.isTitle)
        const first = reqs[0]
        const tools = Array.isArray(first?.body.tools) ? (first.body.tools as { function?: { name?: string } }[]) : []
        const def = tools.find((t) => t.function?.name === "probe_window")
        if (name === "good") {
          out.toolDefinition = def ?? `probe_window not offered; tools: ${tools.map((t) => t.function?.name)}`
        }
        const toolMsgs = reqs.flatMap((q) => messagesOf(q).filter((m) => m.role === "tool"))
        const msgs = await oc.client.session.messages({ path: { id: sid } })
        const parts = (msgs.data ?? []).flatMap((m) => m.parts as Record<string, any>[])
        const toolPart = parts.find((p) => p.type === "tool")
        results[name] = {
          promptOk: !!r.data,
          promptError: r.error,
          modelCalls: reqs.length,
          toolResultToModel: toolMsgs.map((m) => text(m.content)),
          toolPart: toolPart && {
            tool: toolPart.tool,
            status: toolPart.state?.status,
            input: toolPart.state?.input,
            output: toolPart.state?.output,
            error: toolPart.state?.error,
          },
        }
      }
      out.calls = results
      out.trace = readTrace(traceFile).map(({ at: _at, ...t }) => t)
      const logErrors = oc
        .logs()
        .split("\n")
        .filter((l) => /level=(ERROR|WARN)/.test(l) && /tool|plugin|schema|zod/i.test(l))
      out.logErrors = logErrors.slice(0, 10)
    } finally {
      await oc.stop()
      await mock.close()
    }
    console.log(`TOOL-SCHEMA ${variant} ` + JSON.stringify(out, null, 1))
    const calls = out.calls as Record<string, any>
    const trace = out.trace as Record<string, any>[]
    summary.push({
      variant,
      import: trace.find((t) => t.kind === "import"),
      argsGets: trace.filter((t) => t.kind === "args.get").map((t) => t.sinceLoad),
      parameters: JSON.stringify((out.toolDefinition as any)?.function?.parameters),
      executeGot: trace.filter((t) => t.kind === "execute").map((t) => JSON.stringify(t.args)),
      good: calls?.good?.toolResultToModel,
      bad: calls?.bad?.toolResultToModel,
      none: calls?.none?.toolResultToModel,
    })
  })
}

// Import cost in the binary's own Bun (BUN_BE_BUN=1 turns the opencode binary into plain bun 1.3.14), cold: a fresh
// process per sample, transpiler cache off, modules resolved from the repo's node_modules. "a+b" = b after a.
test.runIf(!only || only.includes("import-cost"))("import-cost", () => {
  const sets = [
    ["zod/mini"],
    ["zod"],
    ["@opencode-ai/plugin"],
    ["zod/mini", "zod"],
    ["zod/mini", "@opencode-ai/plugin"],
  ]
  const ms: Record<string, number[]> = {}
  for (let i = 0; i < 5; i++) {
    for (const set of sets) {
      const code = `const r=[];for (const m of ${JSON.stringify(set)}){const t=performance.now();await import(m);r.push(performance.now()-t)};console.log(JSON.stringify(r))`
      const out = execFileSync(OPENCODE_BIN, ["-e", code], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? "", BUN_BE_BUN: "1", BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" },
        encoding: "utf8",
      })
      const r = JSON.parse(out.trim().split("\n").at(-1)!) as number[]
      ;(ms[set.join("+")] ??= []).push(Math.round(r.at(-1)! * 10) / 10)
    }
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]
  console.log(
    "TOOL-SCHEMA IMPORT-COST ms (last module of the set; 5 samples, median) " +
      JSON.stringify(
        Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, { samples: v, median: med(v) }])),
        null,
        1,
      ),
  )
})

test("summary", () => {
  console.log("TOOL-SCHEMA SUMMARY " + JSON.stringify(summary, null, 1))
})
