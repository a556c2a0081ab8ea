// Check 4b, the plugin entries, for the OpenCode the user has. 1.x: `plugin` in opencode.json (server half) and in
// tui.json (TUI half). 2.x: `plugins` (or 1.x's `plugin`, which it reads too) in opencode.json, whose package's ./tui
// the TUI loads by itself (cli.json's `plugins` adds TUI plugins; there is no tui.json), a directory under
// <config>/plugins/ loads by itself, and an entry that is a path to a single FILE is skipped. Options each half cannot
// use are named as the half names them when it starts.
import { dirname, isAbsolute, join } from "node:path"
import { fileURLToPath } from "node:url"
import { parseOptions } from "../options/server.ts"
import { problemsOfBoth } from "../options/one-object.ts"
import { parseTuiOptions } from "../options/tui.ts"
import { pluginEntries, shown, type OpenCodeConfigs, type PluginEntry } from "./config-read.ts"
import type { DoctorFs } from "./file-access.ts"
import { ok, warn, type Check, type OpenCodeInstall } from "./types.ts"

/** "glm-quota@0.1.0" → "0.1.0", "glm-quota" → "latest", a path or URL → itself. */
const versionOf = (entry: string): string => {
  const at = /^glm-quota@(.+)$/.exec(entry)
  return at ? at[1]! : entry === "glm-quota" ? "latest" : entry
}
const isOurs = (entry: string): boolean => /(^|[/\\@])glm-quota(@|$|[/\\])/.test(entry) || entry === "glm-quota"

/** At most this many invalid options are named per file; the rest are counted. */
const MAX_NAMED = 5

function optionChecks(
  entries: readonly PluginEntry[],
  problemsOf: (options: unknown, entry: PluginEntry) => string[],
): Check[] {
  return entries.flatMap((e) => {
    if (e.options === undefined) return []
    const problems = problemsOf(e.options, e).map((p) => shown(p, 80))
    if (problems.length === 0) return []
    const more = problems.length - MAX_NAMED
    const named = problems.slice(0, MAX_NAMED).join(", ") + (more > 0 ? ` and ${more} more` : "")
    const found = `glm-quota options in ${e.label} not used, defaults in their place: ${named}`
    const fix = `correct them in the glm-quota entry of ${e.label} (docs/options.md)`
    return [warn("plugin", found, fix)]
  })
}

/** The file a path-like entry names, or null for a package spec or URL. */
function pathOf(e: PluginEntry, home: string): string | null {
  const s = e.entry
  try {
    if (s.startsWith("file://")) return fileURLToPath(s)
  } catch {
    return null
  }
  if (s.startsWith("~/")) return join(home, s.slice(2))
  if (isAbsolute(s)) return s
  if (s.startsWith("./") || s.startsWith("../")) return join(e.dir, s)
  return null
}

/** The glm-quota package directory a path is in or is (the nearest package.json named glm-quota), else null. */
function ourPackage(path: string, fs: DoctorFs): string | null {
  const st = fs.stat(path)
  let dir = st !== null && st !== "unreadable" && st.kind === "dir" ? path : dirname(path)
  for (let i = 0; i < 4; i++) {
    const pkg = fs.readText(join(dir, "package.json"), 64 * 1024)
    if (pkg.ok && /"name"\s*:\s*"glm-quota"/.test(pkg.text)) return dir
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  return null
}

/** 2.x: entries that are one file (skipped there), and whether glm-quota loads at all. */
function v2Checks(
  server: readonly PluginEntry[],
  tui: readonly PluginEntry[],
  cli: readonly PluginEntry[],
  home: string,
  fs: DoctorFs,
): Check[] {
  const checks: Check[] = []
  const loads: PluginEntry[] = []
  for (const e of server) {
    const path = pathOf(e, home)
    const st = path === null ? null : fs.stat(path)
    if (path !== null && st !== null && st !== "unreadable" && st.kind === "file") {
      const found = `${e.label} names the file ${shown(path, 120)}: OpenCode 2 skips a plugin that is a single file`
      const dir = ourPackage(path, fs) ?? dirname(path)
      checks.push(warn("plugin", found, `name the package directory instead: ${shown(dir, 120)}`))
    } else loads.push(e)
  }
  if (loads.length > 0) {
    const tui = cli.length > 0 ? `; its TUI half also from ${cli[0]!.label}` : "; its TUI half from the package"
    checks.push(ok("plugin", `OpenCode 2 loads glm-quota from ${loads[0]!.label}${tui}`))
  } else if (checks.length === 0 && tui.length > 0)
    checks.push(
      warn(
        "plugin",
        "glm-quota is only in tui.json, which OpenCode 2 does not read",
        'add "glm-quota" to "plugins" in opencode.json: OpenCode 2 loads both halves from there',
      ),
    )
  else if (checks.length === 0)
    checks.push(ok("plugin", "glm-quota is not in OpenCode 2's plugins (the CLI works without it)"))
  return checks
}

/** 1.x: both lists, the same version in both. Only `plugin` counts: 1.x does not read `plugins`. */
function v1Checks(server: readonly PluginEntry[], tui: readonly PluginEntry[]): Check[] {
  const fixBoth = 'add "glm-quota" to the plugin list of both opencode.json and tui.json'
  const own = server.filter((p) => p.key === "plugin")
  if (own.length === 0 && server.length > 0)
    return [
      warn(
        "plugin",
        `glm-quota is under "plugins" in ${server[0]!.label}, which OpenCode 1.x does not read`,
        'add it to "plugin" as well (OpenCode 2 reads both)',
      ),
    ]
  if (own.length === 0 && tui.length === 0)
    return [ok("plugin", "glm-quota is not in OpenCode's plugin lists (the CLI works without it)")]
  if (tui.length === 0)
    return [warn("plugin", "glm-quota is in opencode.json's plugin list but not in tui.json's", fixBoth)]
  if (own.length === 0)
    return [warn("plugin", "glm-quota is in tui.json's plugin list but not in opencode.json's", fixBoth)]
  const versions = new Set([...own, ...tui].map((p) => versionOf(p.entry)))
  const named = [...versions].map((v) => shown(v, 80)).join(" and ")
  if (versions.size > 1)
    return [
      warn(
        "plugin",
        `opencode.json and tui.json name different glm-quota: ${named}`,
        "use the same version or path in both",
      ),
    ]
  return [ok("plugin", `glm-quota in opencode.json and tui.json (${named})`)]
}

/** 2.x loads every sub-directory of <global config>/plugins/ and <project>/.opencode/plugins/ by itself. */
function autoloaded(pluginDirs: readonly string[], fs: DoctorFs): PluginEntry[] {
  return pluginDirs.flatMap((base) =>
    fs.list(base).flatMap((name) => {
      const dir = join(base, name)
      const st = fs.stat(dir)
      if (st === null || st === "unreadable" || st.kind !== "dir" || ourPackage(dir, fs) !== dir) return []
      return [{ label: `${shown(base, 120)}/`, key: "plugins" as const, entry: dir, options: undefined, dir: base }]
    }),
  )
}

export function checkPlugin(
  cfg: OpenCodeConfigs,
  installs: readonly OpenCodeInstall[],
  fs: DoctorFs,
  home: string,
  pluginDirs: readonly string[] = [],
) {
  // glm-quota by name, or a path into a checkout of it (whatever its directory is called).
  const ours = (p: PluginEntry) => {
    if (isOurs(p.entry)) return true
    const path = pathOf(p, home)
    return path !== null && ourPackage(path, fs) !== null
  }
  const server = cfg.opencode.flatMap(pluginEntries).filter(ours)
  const tui = cfg.tui.flatMap(pluginEntries).filter(ours)
  const cli = cfg.cli.flatMap(pluginEntries).filter(ours)
  const majors = new Set(installs.map((i) => i.major))
  // No OpenCode found, or none whose version could be told: the checks of 1.x, as before 2.x existed.
  const v2 = majors.has(2)
  const v1 = majors.has(1) || !v2
  return [
    ...(v1 ? v1Checks(server, tui) : []),
    ...(v2 ? v2Checks([...server, ...autoloaded(pluginDirs, fs)], tui, cli, home, fs) : []),
    // A 2.x `plugins` entry hands one object to both halves (options/one-object.ts); a 1.x `plugin` entry, the server's.
    ...optionChecks(server, (o, e) => (e.key === "plugins" ? problemsOfBoth(o) : parseOptions(o).problems)),
    ...optionChecks(v1 ? tui : [], (o) => parseTuiOptions(o).problems),
    ...optionChecks(v2 ? cli : [], (o) => parseTuiOptions(o).problems),
  ] satisfies Check[]
}
