#!/usr/bin/env node
// The `glm-quota` command: the same core as the plugin, printed for a terminal or as JSON.
import { parseArgs } from "node:util"
import { DEFAULT_PEAK_SCHEDULE } from "./core/peak.ts"
import { buildReport, exitStatus } from "./core/report.ts"
import { renderJson } from "./core/render-json.ts"
import { renderTerminal } from "./core/render-terminal.ts"
import type { Policy, QuotaError } from "./core/types.ts"
import { redact } from "./zai/errors.ts"
import { DEFAULT_TIMEOUT_MS } from "./zai/http.ts"
import { nodeFetch } from "./zai/node-fetch.ts"
import { parseRegion } from "./zai/regions.ts"
import { startSimulator, type Simulator } from "./zai/simulator.ts"
import { openSource } from "./zai/source.ts"
import { clockFromEnv, localTimeZone } from "./zai/clock.ts"
import { LocalStore, stateDir } from "./local/store.ts"
import type { LocalRecord } from "./core/local.ts"

const HELP = `glm-quota — GLM Coding Plan quota: 5-hour, weekly and MCP windows, peak hours, and the model for your plan

Usage: glm-quota [options]

  --json             print one JSON object (schema 1) instead of the report
  --full             add the last 24 hours of model and tool usage
  --region <r>       international (Z.ai) or china (BigModel); default: where the key was found
  --policy <p>       model policy: quality, balanced (default) or economy
  --no-cache         ask the API now; do not read or write the 60-second cache
  --demo             run against the built-in Z.ai simulator (no account needed)
  -h, --help         this help

Keys: ZAI_API_KEY (Z.ai), ZHIPU_API_KEY or ZHIPUAI_API_KEY (BigModel), else OpenCode's auth.json.
Environment: GLM_QUOTA_BASE_URL (API origin), GLM_QUOTA_NOW (ISO instant for the clock), HTTPS_PROXY, NO_PROXY, NO_COLOR.
Exit status: 0 report printed; 2 report printed and the 5-hour or weekly window is used up; 1 no report.
`

const POLICIES = new Set<Policy>(["quality", "balanced", "economy"])

function fail(message: string, key?: string): number {
  process.stderr.write(`glm-quota: ${redact(message, key)}\n`)
  return 1
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let args
  try {
    args = parseArgs({
      args: argv,
      options: {
        json: { type: "boolean" },
        full: { type: "boolean" },
        region: { type: "string" },
        policy: { type: "string" },
        "no-cache": { type: "boolean" },
        demo: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values
  } catch (err) {
    return fail(`${(err as Error).message.split("\n")[0]}: run glm-quota --help for the options.`)
  }
  if (args.help) {
    process.stdout.write(HELP)
    return 0
  }
  const clock = clockFromEnv(env)
  if (!clock.ok) return fail(clock.error.message)
  const now = clock.value

  const region = args.region === undefined ? null : parseRegion(args.region)
  if (args.region !== undefined && region === null) return fail(`Unknown region "${args.region}": use --region international or --region china.`)
  const policy = (args.policy ?? "balanced") as Policy
  if (!POLICIES.has(policy)) return fail(`Unknown policy "${args.policy}": use quality, balanced or economy.`)

  let sim: Simulator | null = null
  const http = nodeFetch()
  try {
    if (args.demo) sim = await startSimulator({ now })
    const source = openSource({
      env,
      fetch: http.fetch,
      now,
      region,
      baseUrl: sim?.url ?? null,
      fileCache: !args["no-cache"] && sim === null,
      credentials: sim === null ? null : { key: "demo-key", region: "international", source: "the built-in simulator" },
      // The 8 s budget counts from the process start (performance.now()), so a user waits 8 s at most, however
      // slowly Node itself started.
      timeoutMs: Math.max(1000, DEFAULT_TIMEOUT_MS - Math.round(performance.now())),
      timeoutLabelMs: DEFAULT_TIMEOUT_MS,
    })
    if (!source.ok) return fail(source.error.message)
    const key = source.value.credentials.key
    const cache = args.full ? source.value.full : source.value.quota
    const res = await cache.get({ force: Boolean(args["no-cache"]) })
    if (!res.ok) return fail(res.error.message, key)

    const local = sim === null ? localRecords(env, now) : undefined
    const report = buildReport(res.value, { now: now(), stale: res.stale, policy, schedule: DEFAULT_PEAK_SCHEDULE, local })
    if (args.json) {
      process.stdout.write(renderJson(report))
    } else {
      const color = !("NO_COLOR" in env) && Boolean(process.stdout.isTTY)
      const text = renderTerminal(report, {
        now: now(),
        localTimeZone: localTimeZone(env),
        planLabel: res.value.planLabel,
        staleReason: staleReason(res.error),
        history: res.value.usage ?? null,
        color,
      })
      process.stdout.write(redact(sim ? `${text}\n  (demo: a built-in simulator of the Z.ai API, Pro plan mid-window)\n` : text, key))
    }
    if (res.stale) process.stderr.write(`glm-quota: ${redact(staleReason(res.error) ?? "showing the last good reading.", key)}\n`)
    return exitStatus(report)
  } finally {
    await http.close()
    await sim?.close()
  }
}

/** This machine's record, written by the OpenCode plugin; null when there is none or it cannot be read. */
function localRecords(env: NodeJS.ProcessEnv, now: () => Date): readonly LocalRecord[] | null {
  try {
    const store = new LocalStore({ dir: stateDir(env), now })
    const r = store.read(now().getTime() - 31 * 86_400_000)
    store.close()
    return r.records
  } catch {
    return null
  }
}

function staleReason(error: QuotaError | undefined): string | null {
  return error === undefined ? null : error.message
}


main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    process.stderr.write(`glm-quota: an unexpected error stopped the report (${(err as Error)?.name ?? "Error"}): please report it with the output of glm-quota --json.\n`)
    process.exitCode = 1
  },
)
