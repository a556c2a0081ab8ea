// The command line of `glm-quota`: its options, the help text, and GLM_QUOTA_MODELS, read into one Options value.
import { parseArgs } from "node:util"
import type { ModelCatalog } from "../core/plans/model-catalog.ts"
import type { Seat } from "../core/plans/credit-catalog.ts"
import { parseModels, type ModelPreference } from "../core/plans/choose-model.ts"
import type { Env, Policy, Region, Result } from "../core/types.ts"
import { parseRegion } from "../zai/regions.ts"

export const HELP = `glm-quota — GLM Coding Plan quota: 5-hour, weekly and MCP windows, peak hours,
and the model for your plan

Usage: glm-quota [options]
       glm-quota doctor [--json]   check the set-up (key, region, plan,
                                   OpenCode and its config, clock, network,
                                   files)

  --json             print one JSON object (schema 1) instead of the report
  --full             add the last 24 hours of model and tool usage
  --line             one short line for status bars and prompts (tmux, PS1):
                     plan, 5h and weekly use, reset, peak, model class; served
                     from the cache while it is fresh, "glm ?" when there is
                     nothing to show
  --region <r>       international (Z.ai) or china (BigModel); default: where
                     the key was found
  --policy <p>       model policy: quality, balanced (default) or economy
  --heavy <id>       preferred GLM-5-class model id (used when the key's model
                     list has it)
  --light <id>       preferred GLM-4.7-class model id (likewise)
  --seat <s>         a team member's seat, standard or premium: this
                     machine's turns count against its allowance when the API
                     shows members no quota (an estimate)
  --no-cache         ask the API now; do not read or write the 60-second cache
  --demo             a report from the built-in Z.ai demo (no account needed)
  -h, --help         this help
  -v, --version      the version of glm-quota

Turns and pace (from the turns the OpenCode plugin records on this machine;
shown with --full, or when there are turns):
  Last turn       its credits by Z.ai's formula over the turn's tokens and MCP
                  calls, at the phase it ran in (off-peak 0.5x), and its share
                  of the 5-hour window; exact for published multipliers
  counter moved   the API's credit counter across the turn; an estimate when
                  other sessions were active
  same turn after at the peak, what the same turn would cost off-peak
  Turns in 24 h   how many, the median and the largest credits
  turns left      ≈ turns of the median size still fitting in this 5-hour
                  window (an estimate)
  windows left    ≈ full 5-hour windows the week's credits still hold (an
                  estimate)
  Week pace       percent of the week's credits used against percent of the
                  week gone, with the reset
  The week binds  said first when the week has fewer credits left than this
                  5-hour window
  learned         multipliers of an unpublished model (GLM-5.4) fitted on
                  clean turns (an estimate)
  seat            a team member's turns against the seat's allowance (an
                  estimate)

Keys: ZAI_API_KEY (Z.ai), ZHIPU_API_KEY or ZHIPUAI_API_KEY (BigModel), else
OpenCode's auth.json (1.x), else OpenCode 2's opencode.db.
Environment: GLM_QUOTA_BASE_URL (API origin), GLM_QUOTA_NOW (ISO instant for
the clock), GLM_QUOTA_MODELS (JSON: { heavy, light, catalog }), HTTPS_PROXY,
NO_PROXY, NO_COLOR.
Exit status: 0 report printed; 2 report printed and the 5-hour or weekly
window is used up; 1 no report.
`

const POLICIES = new Set<Policy>(["quality", "balanced", "economy"])

export interface Options {
  json: boolean
  history: boolean
  /** `--line`: one line for a status bar (wins over --json and --full). */
  line: boolean
  region: Region | null
  policy: Policy
  noCache: boolean
  demo: boolean
  prefer: ModelPreference
  catalog: ModelCatalog
  /** `--seat`: a team member's seat. */
  seat: Seat | null
}

/** Whether the arguments ask for the status line: then even a bad argument ends in "glm ?", never on stderr. */
export const wantsLine = (argv: readonly string[]): boolean => argv.includes("--line")

const OPTIONS = {
  json: { type: "boolean" },
  full: { type: "boolean" },
  line: { type: "boolean" },
  region: { type: "string" },
  policy: { type: "string" },
  heavy: { type: "string" },
  seat: { type: "string" },
  light: { type: "string" },
  "no-cache": { type: "boolean" },
  demo: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const

/** The arguments and GLM_QUOTA_MODELS as options, or the one sentence saying what is wrong with them. */
export function readArgs(argv: string[], env: Env): Result<Options | "help" | "version", string> {
  let args
  try {
    args = parseArgs({ args: argv, options: OPTIONS, strict: true }).values
  } catch (err) {
    return { ok: false, error: `${(err as Error).message.split("\n")[0]}: run glm-quota --help for the options.` }
  }
  if (args.help) return { ok: true, value: "help" }
  if (args.version) return { ok: true, value: "version" }
  const region = args.region === undefined ? null : parseRegion(args.region)
  if (args.region !== undefined && region === null)
    return { ok: false, error: `Unknown region "${args.region}": use --region international or --region china.` }
  const policy = (args.policy ?? "balanced") as Policy
  if (!POLICIES.has(policy))
    return { ok: false, error: `Unknown policy "${args.policy}": use quality, balanced or economy.` }
  const seat = args.seat === undefined ? null : args.seat.trim().toLowerCase()
  if (seat !== null && seat !== "standard" && seat !== "premium")
    return { ok: false, error: `Unknown seat "${args.seat}": use --seat standard or --seat premium.` }
  const overrides = modelOverrides(env.GLM_QUOTA_MODELS, args.heavy, args.light)
  if (!overrides.ok) return overrides
  const value = {
    json: Boolean(args.json),
    history: Boolean(args.full),
    line: Boolean(args.line),
    region,
    policy,
    noCache: Boolean(args["no-cache"]),
    demo: Boolean(args.demo),
    seat: seat as Seat | null,
  }
  return { ok: true, value: { ...value, prefer: overrides.value.prefer, catalog: overrides.value.catalog } }
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
