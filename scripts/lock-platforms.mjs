// Completes a package-lock.json with the OpenCode binaries' platform packages npm could not resolve.
//
// Why: the registry this project is built against serves only the linux-x64 builds of opencode-ai's (1.x) and
// @opencode/cli's (2.x) optional platform packages, so `npm install` leaves the others out of the lock, and `npm ci`
// then refuses the lock ("Missing: opencode-darwin-arm64@ from lock file"). Each entry written here names its os and
// cpu, so npm ci skips it on any other platform without fetching it, and fetches it by version where it applies.
// Run after `npm install` in the folder of the lock (the test hosts: test/hosts/opencode1, test/hosts/opencode2):
//   node scripts/lock-platforms.mjs test/hosts/opencode2
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const file = join(process.argv[2] ?? ".", "package-lock.json")
const lock = JSON.parse(readFileSync(file, "utf8"))
const PLATFORM = /^(?:opencode|@opencode\/cli)-(darwin|linux|windows)-(arm64|x64)/
let added = 0
for (const parentKey of ["node_modules/opencode-ai", "node_modules/@opencode/cli"]) {
  const parent = lock.packages[parentKey]
  if (!parent) continue
  for (const name of Object.keys(parent.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`
    if (lock.packages[key]) continue
    const [, os, cpu] = PLATFORM.exec(name) ?? []
    if (!os) continue
    lock.packages[key] = {
      version: parent.optionalDependencies[name],
      cpu: [cpu],
      license: "MIT",
      optional: true,
      os: [os === "windows" ? "win32" : os],
    }
    added++
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
)
writeFileSync(file, JSON.stringify(lock, null, 2) + "\n")
process.stdout.write(`lock-platforms: ${added} entries added to ${file}\n`)
