// Build dist/ once before the suites, so the CLI under test is always the source under test.
import { execFileSync } from "node:child_process"
import { join } from "node:path"

export default function setup(): void {
  const root = join(import.meta.dirname, "..")
  execFileSync(
    process.execPath,
    [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
    { cwd: root, stdio: "inherit" },
  )
}
