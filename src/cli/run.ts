// The `glm-quota` command as a function of its arguments, its environment and its streams (src/cli.ts hands it the
// process's): the same core as the plugin, printed for a terminal, as JSON, or as one status line. Only
// what the status line needs is loaded up front; the report's modules (the API schemas, the renderers, this machine's
// record) are imported when a report is asked for, so that a status bar's warm run costs little more than Node's start.
import type { Env } from "../core/types.ts"
import type { CliIo } from "./io.ts"
import { redact } from "../zai/errors.ts"
import { clockFromEnv } from "../quota/clock.ts"
import { HELP, readArgs, wantsLine } from "./args.ts"
import { NOTHING, runLine } from "./line.ts"
import { VERSION } from "./version.ts"

/**
 * Runs the command; resolves to its exit status (0 report, 2 report and a window used up, 1 no report). With
 * `--line` nothing is ever written to stderr: every failure, a bad argument included, is the line "glm ?".
 */
export async function runCli(argv: string[], env: Env, io: CliIo): Promise<number> {
  if (argv[0] === "doctor") return runDoctorCommand(argv.slice(1), env, io)
  const line = wantsLine(argv)
  const fail = (message: string): number => {
    if (line) io.stdout(NOTHING)
    else io.stderr(`glm-quota: ${redact(message, undefined)}\n`)
    return 1
  }
  const opts = readArgs(argv, env)
  if (!opts.ok) return fail(opts.error)
  if (opts.value === "help") {
    io.stdout(HELP)
    return 0
  }
  if (opts.value === "version") {
    io.stdout(`${VERSION}\n`)
    return 0
  }
  const clock = clockFromEnv(env)
  if (clock.error !== null) return fail(clock.error.message)
  if (opts.value.line) return runLine(opts.value, env, io, clock.now)
  const { runReport } = await import("./report.ts")
  return runReport(opts.value, env, io, clock.now)
}

/** `glm-quota doctor`: the set-up checks (src/cli/doctor.ts), loaded only when asked for. */
async function runDoctorCommand(argv: string[], env: Env, io: CliIo): Promise<number> {
  const clock = clockFromEnv(env)
  if (clock.error !== null) {
    io.stderr(`glm-quota: ${clock.error.message}\n`)
    return 1
  }
  const { runDoctorCli } = await import("./doctor.ts")
  return runDoctorCli(argv, env, io, clock.now)
}
