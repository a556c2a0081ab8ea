// Shared by the hostile-input suites: the built CLI with its CPU time measured, a home whose cache directory is
// prepared to misbehave, and loopback servers that redirect or announce huge bodies.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { cacheId } from "../../src/zai/cache.ts"
import { CANARY_KEY, runCli, type CliRun } from "../helpers.ts"
import { HARDENING } from "./support.ts"

/** The 8 s network budget of a CLI run, and what Node's start may add on a loaded machine. */
export const BUDGET_MS = 8000
export const SLACK_MS = 4000

export interface CpuRun extends CliRun {
  /** CPU time of the CLI process (user + system), in ms; null when it died before its exit handler. */
  cpuMs: number | null
}

/** The built CLI, its CPU time recorded at exit (fixtures/cpu.mjs). Killed after the budget and the slack. */
export async function runCliCpu(args: string[], env: Record<string, string>): Promise<CpuRun> {
  const dir = mkdtempSync(join(tmpdir(), "glmq-cpu-"))
  const file = join(dir, "cpu")
  const run = await runCli(args, { ...env, GLMQ_CPU_FILE: file }, BUDGET_MS + 3 * SLACK_MS, [
    "--import",
    join(HARDENING, "fixtures", "cpu.mjs"),
  ])
  const cpuMs = existsSync(file) ? Number(readFileSync(file, "utf8")) / 1000 : null
  rmSync(dir, { recursive: true, force: true })
  return { ...run, cpuMs }
}

/** The quota cache entry's id the CLI uses for the canary key against `origin`. */
export const quotaId = (origin: string) => cacheId(CANARY_KEY, "international", origin, "quota")
export const modelsId = (origin: string) => cacheId(CANARY_KEY, "international", origin, "models")

/** One plain sentence: a single line, starting with "glm-quota: ", ending in a full stop, no stack trace. */
export function oneSentence(stderr: string): boolean {
  const lines = stderr.trimEnd().split("\n")
  return lines.every((l) => /^glm-quota: [A-Z"].*[.)]$/.test(l)) && !/\bat .+:\d+:\d+/.test(stderr)
}

export interface Loopback {
  url: string
  origin: string
  hits: number
  close(): Promise<void>
}

/** A loopback server answering every request with `answer`; counts the requests it got. */
export async function loopback(
  answer: (res: import("node:http").ServerResponse, url: string) => void,
): Promise<Loopback> {
  let hits = 0
  const server: Server = createServer((req, res) => {
    hits++
    answer(res, req.url ?? "/")
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    origin: url,
    get hits() {
      return hits
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
