// Completes package-lock.json with the opencode-ai platform packages npm could not resolve.
//
// Why: the registry this project is built against serves only the linux-x64 builds of opencode-ai's optional
// platform packages, so `npm install` leaves the others out of the lock, and `npm ci` then refuses the lock
// ("Missing: opencode-darwin-arm64@ from lock file"). Each entry written here names its os and cpu, so npm ci skips it
// on any other platform without fetching it, and fetches it by version where it applies. Run after `npm install`:
//   node scripts/lock-platforms.mjs
import { readFileSync, writeFileSync } from "node:fs"

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"))
const parent = lock.packages["node_modules/opencode-ai"]
if (!parent) process.exit(0)
let added = 0
for (const name of Object.keys(parent.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`
  if (lock.packages[key]) continue
  const [, os, cpu] = /^opencode-(darwin|linux|windows)-(arm64|x64)/.exec(name) ?? []
  if (!os) continue
  lock.packages[key] = {
    version: parent.optionalDependencies[name],
    cpu: [cpu],
    dev: true,
    license: "MIT",
    optional: true,
    os: [os === "windows" ? "win32" : os],
  }
  added++
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
)
writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n")
process.stdout.write(`lock-platforms: ${added} entries added\n`)
