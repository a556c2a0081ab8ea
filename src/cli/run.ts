#!/usr/bin/env node
// The `glm-quota` command: the same core as the plugin, printed for a terminal or as JSON.
import { parseArgs } from "node:util"
import { DEFAULT_PEAK_SCHEDULE } from "./core/peak.ts"
import { buildReport, exitStatus } from "./core/report.ts"
import { renderJson } from "./core/render-json.ts"
import { renderTerminal } from "./core/render-terminal.ts"
import type { Policy, QuotaError, Result } from "./core/types.ts"
import type { ModelCatalog } from "./core/catalog.ts"
import { parseModels, type ModelPreference } from "./core/model.ts"
import { modelList } from "./zai/models.ts"
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
  --heavy <id>       preferred GLM-5-class model id (used when the key's model list has it)
  --light <id>       preferred GLM-4.7-class model id (likewise)
  --no-cache         ask the API now; do not read or write the 60-second cache
  --demo             run against the built-in Z.ai simulator (no account needed)
  -h, --help         this help

Keys: ZAI_API_KEY (Z.ai), ZHIPU_API_KEY or ZHIPUAI_API_KEY (BigModel), else OpenCode's auth.json.
Environment: GLM_QUOTA_BASE_URL (API origin), GLM_QUOTA_NOW (ISO instant for the clock), GLM_QUOTA_MODELS (JSON:
{ heavy, light, catalog }), HTTPS_PROXY, NO_PROXY, NO_COLOR.
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
        heavy: { type: "string" },
        light: { type: "string" },
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
  const overrides = modelOverrides(env.GLM_QUOTA_MODELS, args.heavy, args.light)
  if (!overrides.ok) return fail(overrides.error)

  let sim: Simulator | null = null
  const http = nodeFetch()
  try {
    // The demo's plan generation follows the clock: a token plan before the credit plans (30 Jul 2026), a credit plan
    // without an MCP row after, as most accounts then have.
    if (args.demo) sim = await startSimulator({ now, state: now().getTime() >= Date.parse("2026-07-30T00:00:00+08:00") ? { era: "credit", mcpRow: false } : {} })
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
    // The key's model list (cached for a day) is asked beside the quota, so it adds no wait.
    const listP = modelList({ key, region: source.value.credentials.region, origin: source.value.origin, fetch: http.fetch, env, now, fileCache: !args["no-cache"] && sim === null, timeoutMs: 4000 })
    const [res, list] = await Promise.all([cache.get({ force: Boolean(args["no-cache"]) }), listP])
    if (!res.ok) return fail(res.error.message, key)

    const local = sim === null ? localRecords(env, now) : undefined
    const report = buildReport(res.value, {
      now: now(), stale: res.stale, policy, schedule: DEFAULT_PEAK_SCHEDULE, local,
      models: list.ids, modelCatalog: overrides.value.catalog, prefer: overrides.value.prefer,
    })
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
        width: process.stdout.columns,
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

/** GLM_QUOTA_MODELS (the plugin's `models` option as JSON) with --heavy / --light on top; a bad value stops the run. */
function modelOverrides(json: string | undefined, heavy: string | undefined, light: string | undefined): Result<{ prefer: ModelPreference; catalog: ModelCatalog }, string> {
  let input: Record<string, unknown> = {}
  if (json !== undefined && json.trim() !== "") {
    try {
      const parsed: unknown = JSON.parse(json)
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object")
      input = parsed as Record<string, unknown>
    } catch {
      return { ok: false, error: 'GLM_QUOTA_MODELS is not a JSON object: set it like {"heavy":"glm-5.3","light":"glm-4.7"}, or unset it.' }
    }
  }
  if (heavy !== undefined) input.heavy = heavy
  if (light !== undefined) input.light = light
  const m = parseModels(input)
  if (m.problems.length > 0) return { ok: false, error: `Unusable model overrides (${m.problems.join(", ")}): fix GLM_QUOTA_MODELS, --heavy or --light.` }
  return { ok: true, value: { prefer: m.prefer, catalog: m.catalog } }
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
