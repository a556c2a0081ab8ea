// Build dist/ once before the suites (the same build as `npm run build`: the bundles and the type declarations), so
// the CLI and the packed plugin under test are always the source under test.
import { execFileSync } from "node:child_process"
import { join } from "node:path"

export default function setup(): void {
  const root = join(import.meta.dirname, "..")
  execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit" })
}
