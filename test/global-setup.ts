// Before the suites: build dist/ once (the same build as `npm run build`: the bundles and the type declarations), so
// the CLI and the packed plugin under test are always the source under test; and, when the run includes the
// end-to-end tests, install the pinned OpenCode binaries (test/hosts) if they are not there yet.
import { execFileSync } from "node:child_process"
import { join } from "node:path"
import { ensureHosts } from "./hosts/hosts.ts"

/** Whether this run may reach the real binaries: no file filter, or a filter naming an e2e file or folder. */
function runsEndToEnd(argv: readonly string[]): boolean {
  const filters = argv.slice(2).filter((a) => !a.startsWith("-") && a !== "run" && !/vitest(\.mjs)?$/.test(a))
  return filters.length === 0 || filters.some((f) => /e2e|hosts/.test(f))
}

export default function setup(): void {
  const root = join(import.meta.dirname, "..")
  execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit" })
  if (runsEndToEnd(process.argv)) ensureHosts((line) => process.stderr.write(`${line}\n`))
}
