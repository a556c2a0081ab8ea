// Which OpenCode the user runs: `opencode` (and 2.x's second name `opencode2`) on PATH, the first hit of each as the
// shell finds it, its version from the npm package it belongs to (opencode-ai is 1.x, @opencode/cli 2.x) — no process
// started — and only when it belongs to no package, from `<binary> --version` (5 s at most). Never throws.
import { execFileSync } from "node:child_process"
import { accessSync, constants, readFileSync, realpathSync, statSync } from "node:fs"
import { delimiter, dirname, join } from "node:path"
import { cleanText } from "../core/text/sanitize.ts"
import type { Env } from "../core/types.ts"
import { ok, type Check, type OpenCodeInstall } from "./types.ts"

const PACKAGES = /^(?:opencode-ai|@opencode\/cli(?:-[\w-]+)?|opencode-(?:linux|darwin|windows)-[\w-]+)$/
const VERSION = /\b(\d+)\.(\d+)\.(\d+)\b/

function onPath(env: Env, name: string): string | null {
  for (const dir of (env.PATH ?? "").split(delimiter).slice(0, 200)) {
    if (dir.trim() === "") continue
    const p = join(dir, name)
    try {
      if (!statSync(p).isFile()) continue
      accessSync(p, constants.X_OK)
      return p
    } catch {
      // not here
    }
  }
  return null
}

function packageVersion(real: string): string | null {
  let dir = dirname(real)
  for (let i = 0; i < 4; i++) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
      const { name, version } = (pkg ?? {}) as { name?: unknown; version?: unknown }
      if (typeof name === "string" && PACKAGES.test(name) && typeof version === "string" && VERSION.test(version))
        return VERSION.exec(version)![0]
    } catch {
      // no package.json here
    }
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  return null
}

function askVersion(path: string, env: Env): string | null {
  try {
    const out = execFileSync(path, ["--version"], {
      env: { ...env, OPENCODE_DISABLE_AUTOUPDATE: "1" },
      timeout: 5000,
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 64 * 1024,
    }).toString("utf8")
    return VERSION.exec(out)?.[0] ?? null
  } catch {
    return null
  }
}

/** `ask: false`: never start the binary for its version (inside OpenCode, where a blocking child would stall it). */
export function findOpenCodeInstalls(env: Env, opts: { ask?: boolean } = {}): OpenCodeInstall[] {
  const out: OpenCodeInstall[] = []
  const seen = new Set<string>()
  for (const name of ["opencode", "opencode2"]) {
    const path = onPath(env, name)
    if (path === null) continue
    let real = path
    try {
      real = realpathSync(path)
    } catch {
      // a dangling link: the path itself
    }
    // 2.x installs both names for one binary: one install, named once.
    if (seen.has(real)) continue
    seen.add(real)
    const version = packageVersion(real) ?? (opts.ask === false ? null : askVersion(path, env))
    const major = version === null ? null : Number(version.split(".")[0])
    out.push({ name, path: cleanText(path, 200), version, major })
  }
  return out
}

/** One line: which OpenCode the user runs (what the model and plugin checks below are held against). */
export function installCheck(installs: readonly OpenCodeInstall[]): Check {
  if (installs.length === 0) return ok("opencode", "no opencode on PATH (the CLI works without it)")
  const named = installs.map(
    (i) => `${i.version ? `OpenCode ${i.version}` : "an OpenCode of unknown version"} (${i.name})`,
  )
  return ok("opencode", `${named.join(" and ")} on PATH`)
}
