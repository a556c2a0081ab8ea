// The real OpenCode binaries the end-to-end tests and the bench run: 1.x (opencode-ai) and 2.x (@opencode/cli), each
// pinned in its own package.json and lock under test/hosts/ so that `npm ci && npm run demo` does not download them
// (~840 MB together). The test setup installs them with `npm ci` the first time a run needs them.
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"

const HOSTS = join(import.meta.dirname)

export type Major = 1 | 2

export const HOST_VERSIONS: Record<Major, string> = { 1: "1.18.33", 2: "2.2.5" }

/** The folder of one major's pinned install (its package.json, lock and node_modules). */
export const hostDir = (major: Major): string => join(HOSTS, major === 1 ? "opencode1" : "opencode2")
const dirOf = hostDir

/** The binary of one major: `$OPENCODE_BIN` / `$OPENCODE2_BIN` when set, else the pinned install under test/hosts. */
export function hostBin(major: Major): string {
  const override = major === 1 ? process.env.OPENCODE_BIN : process.env.OPENCODE2_BIN
  if (override) return override
  return join(dirOf(major), "node_modules", ".bin", "opencode")
}

function installed(major: Major): boolean {
  const pkg = join(dirOf(major), "node_modules", major === 1 ? "opencode-ai" : "@opencode/cli", "package.json")
  if (!existsSync(pkg) || !existsSync(hostBin(major))) return false
  try {
    return (JSON.parse(readFileSync(pkg, "utf8")) as { version?: string }).version === HOST_VERSIONS[major]
  } catch {
    return false
  }
}

/** Installs each pinned binary that is missing or of another version (`npm ci` in its folder). */
export function ensureHosts(log: (line: string) => void = () => {}): void {
  for (const major of [1, 2] as const) {
    if (installed(major)) continue
    log(`installing OpenCode ${HOST_VERSIONS[major]} for the end-to-end tests (test/hosts, once)…`)
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dirOf(major), stdio: "inherit" })
    if (!installed(major)) throw new Error(`OpenCode ${HOST_VERSIONS[major]} did not install in ${dirOf(major)}`)
  }
}
