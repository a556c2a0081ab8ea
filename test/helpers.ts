// Test helpers: run the built CLI as a user would, in a throw-away HOME; read fixtures.
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

export const ROOT = resolve(import.meta.dirname, "..")
export const CLI = join(ROOT, "dist", "cli.cjs")
export const CANARY_KEY = "sk-canary.7f3c9a1e5b2d4068a9c1e3f5b7d90a2c"

export function fixture(name: string): string {
  return readFileSync(join(ROOT, "test", "fixtures", name), "utf8")
}

export interface TempHome {
  dir: string
  env: Record<string, string>
  cleanup(): void
}

/** An isolated HOME with its own XDG dirs, so nothing of the developer's machine leaks in or out. */
export function tempHome(prefix = "glmq-"): TempHome {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return {
    dir,
    env: {
      HOME: dir,
      XDG_CACHE_HOME: join(dir, ".cache"),
      XDG_DATA_HOME: join(dir, ".local", "share"),
      XDG_CONFIG_HOME: join(dir, ".config"),
      XDG_STATE_HOME: join(dir, ".local", "state"),
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

/** Runs `node dist/cli.cjs` with exactly `env` (plus PATH), never the developer's own keys. `nodeArgs` go before it. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 20_000,
  nodeArgs: string[] = [],
): Promise<CliRun> {
  return new Promise((resolvePromise) => {
    const started = Date.now()
    const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1", TZ: "UTC", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()))
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolvePromise({ code, stdout, stderr, ms: Date.now() - started })
    })
  })
}

/**
 * Resolves once `cond` holds (polled every 5 ms), or after `ms`: tests wait for what they expect instead of
 * sleeping a guessed time, which a loaded machine overruns. The caller's assertion afterwards says what was missing.
 */
export async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 5))
}

/**
 * The CLI in this process: `runCli` with captured streams, exactly `env` (nothing of the developer's own), no TTY.
 * What a user's shell adds on top (Node's start, the bin and its code cache) is covered by the tests that spawn it.
 */
export async function runCliHere(args: string[], env: Record<string, string>): Promise<CliRun> {
  const { runCli } = await import("../src/cli/run.ts")
  let stdout = ""
  let stderr = ""
  const started = Date.now()
  const code = await runCli(
    args,
    { NO_COLOR: "1", TZ: "UTC", ...env },
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false },
  )
  return { code, stdout, stderr, ms: Date.now() - started }
}
