// `glm-quota doctor [--json] [--region <r>]`: the set-up checks of src/doctor printed for a terminal or as JSON.
// Exit 0 when nothing fails, 1 otherwise (a bad argument too).
import { homedir } from "node:os"
import { parseArgs } from "node:util"
import type { Env } from "../core/types.ts"
import { doctorExitCode, renderChecks, renderChecksJson, runDoctor } from "../doctor/index.ts"
import { nodeFetch } from "../zai/node-fetch.ts"
import { baseUrlError } from "../zai/errors.ts"
import { parseRegion, validOrigin } from "../zai/regions.ts"
import type { CliIo } from "./io.ts"

/** Every line of the doctor fits an 80-column terminal (a narrower one wraps it as it wraps any text). */
const DOCTOR_WIDTH = 80

export const DOCTOR_HELP = `glm-quota doctor — checks the set-up: key, region, subscription, OpenCode and
its config, clock, network, files

Usage: glm-quota doctor [--json] [--region <r>]

  --json             print { "schema": 1, "checks": [{ "id", "status", "found",
                     "fix" }] }
  --region <r>       check the key for international (Z.ai) or china (BigModel)
  -h, --help         this help

Exit status: 0 nothing failed (warnings allowed); 1 a check failed.
`

export async function runDoctorCli(argv: string[], env: Env, io: CliIo, now: () => Date): Promise<number> {
  let args
  try {
    args = parseArgs({
      args: argv,
      options: { json: { type: "boolean" }, region: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
    }).values
  } catch (err) {
    io.stderr(`glm-quota: ${(err as Error).message.split("\n")[0]}: run glm-quota doctor --help for the options.\n`)
    return 1
  }
  if (args.help) {
    io.stdout(DOCTOR_HELP)
    return 0
  }
  const region = args.region === undefined ? null : parseRegion(args.region)
  if (args.region !== undefined && region === null) {
    io.stderr(`glm-quota: Unknown region: use --region international or --region china.\n`)
    return 1
  }
  // Every remote check would ask an address that is none: the one sentence that says so, as the report gives it.
  if (!validOrigin(env.GLM_QUOTA_BASE_URL)) {
    io.stderr(`glm-quota: ${baseUrlError().message}\n`)
    return 1
  }
  const http = io.fetch ? { fetch: io.fetch, close: async () => {} } : await nodeFetch(env)
  try {
    const home = env.HOME?.trim() || homedir()
    const checks = await runDoctor({ env, fetch: http.fetch, now, cwd: io.cwd ?? process.cwd(), home, region })
    io.stdout(args.json ? renderChecksJson(checks) : renderChecks(checks, DOCTOR_WIDTH))
    return doctorExitCode(checks)
  } finally {
    await http.close()
  }
}
