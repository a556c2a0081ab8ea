#!/usr/bin/env node
// The `glm-quota` bin: the process's arguments, environment and streams handed to runCli.
import { runCli } from "./cli/run.ts"

const io = {
  stdout: (t: string) => void process.stdout.write(t),
  stderr: (t: string) => void process.stderr.write(t),
  isTTY: Boolean(process.stdout.isTTY),
  columns: process.stdout.columns,
  elapsedMs: () => performance.now(),
}
runCli(process.argv.slice(2), process.env, io).then(
  (code) => void (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(
      `glm-quota: an unexpected error stopped the report (${(err as Error)?.name ?? "Error"}): please report it with the output of glm-quota --json.\n`,
    )
    process.exitCode = 1
  },
)
