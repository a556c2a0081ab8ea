// Before the suites, only what the selected test files need: dist/ built (the same build as `npm run build`) when one
// of them reads it — a file marked `// reads: dist/` (it spawns the built CLI or reads the bundles) or an end-to-end
// file — and, for the end-to-end files, the pinned OpenCode binaries (test/hosts) installed if they are not there
// yet. A run of unit files that read only src/ (`vitest run test/core/peak.test.ts`) starts at once; `npm test`, with
// no filter, selects every file and so builds.
import { execFileSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { join, relative, resolve } from "node:path"
import { ensureHosts } from "./hosts/hosts.ts"

const ROOT = join(import.meta.dirname, "..")
/** The marker of a unit file that needs dist/ (a comment line of its own). */
export const READS_DIST = /^\/\/ reads: dist\//m
/** The marker of a unit file that runs a pinned OpenCode binary (test/hosts): installed here, once, never by a test. */
export const RUNS_HOSTS = /^\/\/ runs: test\/hosts\//m
/** vitest options that take a value: the value is not a file filter. */
const WITH_VALUE = new Set(["-t", "--testNamePattern", "--project", "-c", "--config", "-r", "--root", "--dir"])
const WITH_VALUE_TOO = ["--reporter", "--shard", "--maxWorkers", "--outputFile", "--pool", "--environment", "--mode"]

/** The file filters of a vitest command line (the words that are neither the command nor an option or its value). */
export function fileFilters(argv: readonly string[]): string[] {
  const words = argv.slice(2)
  const filters: string[] = []
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    if (WITH_VALUE.has(w) || WITH_VALUE_TOO.includes(w)) i++
    else if (!w.startsWith("-") && w !== "run" && w !== "watch" && !/vitest(\.mjs)?$/.test(w)) filters.push(w)
  }
  return filters
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "hosts" ? [] : testFiles(p)
    return e.name.endsWith(".test.ts") ? [relative(ROOT, p)] : []
  })
}

/**
 * The test files a run selects, as vitest matches its filters (a file is selected when its path contains one); all of
 * them without a filter. A filter that selects nothing (a pattern this cannot read) counts as selecting everything.
 */
export function selected(filters: readonly string[], files: readonly string[]): readonly string[] {
  if (filters.length === 0) return files
  const norm = filters.map((f) => relative(ROOT, resolve(ROOT, f)) || f)
  const hits = files.filter((file) => norm.some((f, i) => file.includes(f) || file.includes(filters[i]!)))
  return hits.length === 0 ? files : hits
}

const isEndToEnd = (file: string): boolean => file.startsWith(join("test", "e2e"))

/** The projects a run names with `--project` (none: all of them). */
function projects(argv: readonly string[]): string[] {
  return argv.flatMap((w, i) =>
    w === "--project" ? [argv[i + 1] ?? ""] : w.startsWith("--project=") ? [w.slice("--project=".length)] : [],
  )
}

export default function setup(): void {
  const named = projects(process.argv)
  const inProject = (f: string) => named.length === 0 || named.includes(isEndToEnd(f) ? "e2e" : "unit")
  const files = selected(fileFilters(process.argv), testFiles(join(ROOT, "test"))).filter(inProject)
  const needsDist = files.some((f) => isEndToEnd(f) || READS_DIST.test(readFileSync(join(ROOT, f), "utf8")))
  if (needsDist) execFileSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, stdio: "inherit" })
  // Installed here only: two test workers running `npm ci` in one folder at once wipe each other's install.
  const needsHosts = files.some((f) => isEndToEnd(f) || RUNS_HOSTS.test(readFileSync(join(ROOT, f), "utf8")))
  if (needsHosts) ensureHosts((line) => process.stderr.write(`${line}\n`))
}
