// FINDINGS.md §7: what a plugin costs an OpenCode instance's start-up in the real binary (listening → ready), and why.
// Interleaved starts of plugin variants built here from the sources with esbuild, each against the empty plugin:
//   empty      bench/fixtures/empty-plugin.js (the baseline of every ratio)
//   builtins   a plugin importing node:fs, node:crypto, node:os, node:path and nothing else
//   whole      the whole server plugin in one file, read at start-up (how dist/index.js was before plugin.ts)
//   parse      that same file's code inside a function never called: read and parsed, never run
//   front      dist/index.js as built: the start-up module, the rest a dynamic import
//   npx vitest run --config test/e2e/probes/vitest.config.ts startup       CASES=whole,front N=9 (starts per variant)
import { test } from "vitest"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { buildSync } from "esbuild"
import { startSimulator } from "../../support/simulator.ts"
import { startOpencode } from "../opencode.ts"
import { REPO_ROOT } from "../util.ts"

const KEY = "probe-key-0123456789"
const N = Number(process.env.N ?? 9)
const only = process.env.CASES?.split(",")

function variants(dir: string): Record<string, string> {
  const builtins = join(dir, "builtins.js")
  writeFileSync(
    builtins,
    `import { readFileSync } from "node:fs"\nimport { createHash } from "node:crypto"\nimport { homedir } from "node:os"\nimport { join } from "node:path"\nexport default { id: "builtins", server: async () => ({ _: [readFileSync, createHash, homedir, join].length }) }\n`,
  )
  const entry = join(dir, "whole-entry.ts")
  writeFileSync(
    entry,
    `import * as rest from ${JSON.stringify(join(REPO_ROOT, "src/opencode/instance.ts"))}\nimport { createPlugin } from ${JSON.stringify(join(REPO_ROOT, "src/opencode/plugin.ts"))}\nexport default { id: "glm-quota", server: createPlugin({ env: process.env, fetch: (u, i) => fetch(u, i), load: async () => rest }) }\n`,
  )
  const common = { bundle: true, platform: "node", target: "node20", minify: true, logLevel: "error" } as const
  const external = ["@opencode-ai/plugin", "undici"]
  const whole = join(dir, "whole.js")
  buildSync({ ...common, entryPoints: [entry], outfile: whole, format: "esm", external })
  const cjs = join(dir, "whole.cjs")
  buildSync({ ...common, entryPoints: [entry], outfile: cjs, format: "cjs", external })
  const parse = join(dir, "parse.js")
  writeFileSync(
    parse,
    `function unused(require, module, exports) {\n${readFileSync(cjs, "utf8")}\n}\nexport default { id: "parse", server: async () => ({ _: typeof unused }) }\n`,
  )
  return {
    builtins,
    whole,
    parse,
    front: join(REPO_ROOT, "dist", "index.js"),
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

test("start-up cost per variant", { timeout: 900_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "startup-probe-"))
  const all = variants(dir)
  const empty = join(REPO_ROOT, "bench", "fixtures", "empty-plugin.js")
  const sim = await startSimulator({ state: { keys: [KEY] } })
  const boot = async (spec: string) => {
    const oc = await startOpencode({
      pluginSpec: spec,
      pluginOptions: spec === empty ? {} : { baseUrl: sim.url },
      env: { ZAI_API_KEY: KEY },
    })
    const t = oc.timings.listenToReadyMs
    await oc.stop()
    return t
  }
  const rows: string[] = []
  try {
    await boot(empty) // warms the disk cache for the binary
    for (const [name, spec] of Object.entries(all)) {
      if (only && !only.includes(name)) continue
      const size = readFileSync(spec).length
      await boot(spec)
      const a: number[] = []
      const b: number[] = []
      for (let i = 0; i < N; i++) {
        a.push(await boot(spec))
        b.push(await boot(empty))
      }
      rows.push(
        `| ${name} | ${(size / 1024).toFixed(1)} kB | ${median(a)} ms | ${median(b)} ms | ${(median(a) / median(b)).toFixed(3)}× |`,
      )
      console.log(rows.at(-1), "\n  ", a.join(","), "\n  ", b.join(","))
    }
  } finally {
    await sim.close()
  }
  console.log(
    [
      "| variant | file read at start-up | ready (median) | empty plugin | ratio |",
      "|---|---|---|---|---|",
      ...rows,
    ].join("\n"),
  )
})
