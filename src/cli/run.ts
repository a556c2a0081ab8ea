// The `glm-quota` command as a function of its arguments, its environment and its streams (the bin, src/cli.ts, is
// three lines over it): the same core as the plugin, printed for a terminal or as JSON.
import { parseArgs } from "node:util"
import { DEFAULT_PEAK_SCHEDULE } from "../core/peak.ts"
import { buildReport, exitStatus } from "../core/report.ts"
import { renderJson } from "../core/render-json.ts"
import { renderTerminal } from "../core/render-terminal.ts"
import type { Env, Policy, QuotaSnapshot, Region, Report, Result } from "../core/types.ts"
import type { ModelCatalog } from "../core/catalog.ts"
import { parseModels, type ModelPreference } from "../core/model.ts"
import { modelList } from "../zai/models.ts"
import { redact } from "../zai/errors.ts"
import { DEFAULT_TIMEOUT_MS, type FetchLike } from "../zai/http.ts"
import { nodeFetch } from "../zai/node-fetch.ts"
import { parseRegion } from "../zai/regions.ts"
import { DEMO_ORIGIN, demoFetch, type DemoState } from "../zai/demo.ts"
import { openSource } from "../quota/source.ts"
import { clockFromEnv, localTimeZone } from "../quota/clock.ts"
import { LocalStore, stateDir } from "../local/store.ts"
import type { LocalRecord } from "../core/records.ts"

const HELP = `glm-quota — GLM Coding Plan quota: 5-hour, weekly and MCP windows, peak hours, and the model for your plan

Usage: glm-quota [options]

  --json             print one JSON object (schema 1) instead of the report
  --full             add the last 24 hours of model and tool usage
  --region <r>       international (Z.ai) or china (BigModel); default: where the key was found
  --policy <p>       model policy: quality, balanced (default) or economy
  --heavy <id>       preferred GLM-5-class model id (used when the key's model list has it)
  --light <id>       preferred GLM-4.7-class model id (likewise)
  --no-cache         ask the API now; do not read or write the 60-second cache
  --demo             a report from the built-in Z.ai demo (no account needed)
  -h, --help         this help

Keys: ZAI_API_KEY (Z.ai), ZHIPU_API_KEY or ZHIPUAI_API_KEY (BigModel), else OpenCode's auth.json.
Environment: GLM_QUOTA_BASE_URL (API origin), GLM_QUOTA_NOW (ISO instant for the clock), GLM_QUOTA_MODELS (JSON:
{ heavy, light, catalog }), HTTPS_PROXY, NO_PROXY, NO_COLOR.
Exit status: 0 report printed; 2 report printed and the 5-hour or weekly window is used up; 1 no report.
`

const POLICIES = new Set<Policy>(["quality", "balanced", "economy"])

/** Where the command writes, and what it knows of the process it runs in. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** Whether stdout is a terminal (colours), and its width in columns (the report wraps there; 80 when unknown). */
  isTTY: boolean
  columns?: number
  /** Milliseconds since the process started: the 8 s budget counts from then, however slowly Node itself started. */
  elapsedMs?: () => number
  /** The HTTP client; default: Node's, through undici (proxies from HTTPS_PROXY / NO_PROXY). */
  fetch?: FetchLike
}

interface Options {
  json: boolean
  history: boolean
  region: Region | null
  policy: Policy
  noCache: boolean
  demo: boolean
  prefer: ModelPreference
  catalog: ModelCatalog
}

/** The arguments and GLM_QUOTA_MODELS as options, or the one sentence saying what is wrong with them. */
function readArgs(argv: string[], env: Env): Result<Options | "help", string> {
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
    return { ok: false, error: `${(err as Error).message.split("\n")[0]}: run glm-quota --help for the options.` }
  }
  if (args.help) return { ok: true, value: "help" }
  const region = args.region === undefined ? null : parseRegion(args.region)
  if (args.region !== undefined && region === null)
    return { ok: false, error: `Unknown region "${args.region}": use --region international or --region china.` }
  const policy = (args.policy ?? "balanced") as Policy
  if (!POLICIES.has(policy))
    return { ok: false, error: `Unknown policy "${args.policy}": use quality, balanced or economy.` }
  const overrides = modelOverrides(env.GLM_QUOTA_MODELS, args.heavy, args.light)
  if (!overrides.ok) return overrides
  const value = {
    json: Boolean(args.json),
    history: Boolean(args.full),
    region,
    policy,
    noCache: Boolean(args["no-cache"]),
    demo: Boolean(args.demo),
  }
  return { ok: true, value: { ...value, prefer: overrides.value.prefer, catalog: overrides.value.catalog } }
}

/** The demo's plan generation follows the clock: a token plan before the credit plans (30 Jul 2026), after it a credit
 * plan without an MCP row, as most accounts then have. */
const demoState = (now: Date): Partial<DemoState> =>
  now.getTime() >= Date.parse("2026-07-30T00:00:00+08:00") ? { era: "credit", mcpRow: false } : {}

/** The report on stdout: the JSON of the contract, or the terminal report (the key redacted, should a server echo it). */
function write(
  report: Report,
  snapshot: QuotaSnapshot,
  reason: string | null,
  w: { o: Options; env: Env; io: CliIo; now: Date; key: string },
): void {
  if (w.o.json) return w.io.stdout(renderJson(report))
  const text = renderTerminal(report, {
    now: w.now,
    localTimeZone: localTimeZone(w.env),
    planLabel: snapshot.planLabel,
    staleReason: reason,
    history: snapshot.usage ?? null,
    color: !("NO_COLOR" in w.env) && w.io.isTTY,
    width: w.io.columns,
  })
  w.io.stdout(redact(w.o.demo ? `${text}\n  (demo: the built-in Z.ai demo, a Pro plan mid-window)\n` : text, w.key))
}

/** Runs the command; resolves to its exit status (0 report, 2 report and a window used up, 1 no report). */
export async function runCli(argv: string[], env: Env, io: CliIo): Promise<number> {
  const fail = (message: string, key?: string): number => {
    io.stderr(`glm-quota: ${redact(message, key)}\n`)
    return 1
  }
  const opts = readArgs(argv, env)
  if (!opts.ok) return fail(opts.error)
  if (opts.value === "help") {
    io.stdout(HELP)
    return 0
  }
  const o = opts.value
  const clock = clockFromEnv(env)
  if (clock.error !== null) return fail(clock.error.message)
  const now = clock.now
  const http = o.demo
    ? { fetch: demoFetch(demoState(now()), now), close: async () => {} }
    : io.fetch
      ? { fetch: io.fetch, close: async () => {} }
      : await nodeFetch(env)
  try {
    const source = openSource({
      env,
      fetch: http.fetch,
      now,
      region: o.region,
      baseUrl: o.demo ? DEMO_ORIGIN : null,
      fileCache: !o.noCache && !o.demo,
      credentials: o.demo ? { key: "demo-key", region: "international", source: "the built-in demo" } : null,
      timeoutMs: Math.max(1000, DEFAULT_TIMEOUT_MS - Math.round(io.elapsedMs?.() ?? 0)),
      timeoutLabelMs: DEFAULT_TIMEOUT_MS,
    })
    if (!source.ok) return fail(source.error.message)
    const { credentials, origin } = source.value
    // The key's model list (cached for a day) is asked beside the quota, so it adds no wait.
    const listP = modelList({
      key: credentials.key,
      region: credentials.region,
      origin,
      fetch: http.fetch,
      env,
      now,
      fileCache: !o.noCache && !o.demo,
      timeoutMs: 4000,
    })
    const [res, list] = await Promise.all([
      (o.history ? source.value.history : source.value.quota).get({ force: o.noCache }),
      listP,
    ])
    if (!res.ok) return fail(res.error.message, credentials.key)
    const report = buildReport(res.value, {
      now: now(),
      stale: res.stale,
      policy: o.policy,
      schedule: DEFAULT_PEAK_SCHEDULE,
      local: o.demo ? undefined : localRecords(env, now, (w) => io.stderr(`glm-quota: this machine's record: ${w}\n`)),
      models: list.ids,
      modelCatalog: o.catalog,
      prefer: o.prefer,
    })
    write(report, res.value, res.error?.message ?? null, { o, env, io, now: now(), key: credentials.key })
    if (res.stale)
      io.stderr(`glm-quota: ${redact(res.error?.message ?? "showing the last good reading.", credentials.key)}\n`)
    return exitStatus(report)
  } finally {
    await http.close()
  }
}

/**
 * This machine's record, written by the OpenCode plugin; null when there is none or it cannot be read. A damaged file
 * the store set aside is told once, on stderr (the report itself is unaffected).
 */
function localRecords(env: Env, now: () => Date, warn: (text: string) => void): readonly LocalRecord[] | null {
  try {
    const store = new LocalStore({ dir: stateDir(env), now })
    const r = store.read(now().getTime() - 31 * 86_400_000)
    store.close()
    for (const w of r.warnings) warn(w)
    return r.records
  } catch {
    return null
  }
}

/** GLM_QUOTA_MODELS (the plugin's `models` option as JSON) with --heavy / --light on top; a bad value stops the run. */
function modelOverrides(
  json: string | undefined,
  heavy: string | undefined,
  light: string | undefined,
): Result<{ prefer: ModelPreference; catalog: ModelCatalog }, string> {
  let input: Record<string, unknown> = {}
  if (json !== undefined && json.trim() !== "") {
    try {
      const parsed: unknown = JSON.parse(json)
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object")
      input = parsed as Record<string, unknown>
    } catch {
      return {
        ok: false,
        error: 'GLM_QUOTA_MODELS is not a JSON object: set it like {"heavy":"glm-5.3","light":"glm-4.7"}, or unset it.',
      }
    }
  }
  if (heavy !== undefined) input.heavy = heavy
  if (light !== undefined) input.light = light
  const m = parseModels(input)
  if (m.problems.length > 0)
    return {
      ok: false,
      error: `Unusable model overrides (${m.problems.join(", ")}): fix GLM_QUOTA_MODELS, --heavy or --light.`,
    }
  return { ok: true, value: { prefer: m.prefer, catalog: m.catalog } }
}
