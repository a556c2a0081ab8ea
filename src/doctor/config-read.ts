// OpenCode's config files as the doctor reads them: global ($XDG_CONFIG_HOME/opencode), the project's (cwd) and its
// .opencode/: opencode.json(c), tui.json(c) (1.x's TUI half) and the global cli.json(c) (2.x's TUI), each capped and
// parsed as JSONC. An unreadable file is a problem named, never a throw.
import { join } from "node:path"
import { cleanText } from "../core/text/sanitize.ts"
import type { Env } from "../core/types.ts"
import type { DoctorFs } from "./file-access.ts"
import { parseConfig } from "./jsonc.ts"

export interface ConfigFile {
  /** "opencode.json (global)" */
  label: string
  value: Record<string, unknown>
  /** The directory the file is in (relative plugin paths start there). */
  dir: string
}

export interface OpenCodeConfigs {
  opencode: ConfigFile[]
  tui: ConfigFile[]
  /** 2.x's cli.json(c) (global only), whose `plugins` the 2.x TUI loads. */
  cli: ConfigFile[]
  /** One phrase per file that exists and could not be used. */
  problems: string[]
}

const REASONS = { too_large: "is larger than 1 MiB", unreadable: "cannot be read" } as const

export function configDirs(env: Env, home: string, cwd: string): { where: string; dir: string }[] {
  const xdg = env.XDG_CONFIG_HOME?.trim()
  return [
    { where: "global", dir: join(xdg ? xdg : join(home, ".config"), "opencode") },
    { where: "project", dir: cwd },
    { where: "project .opencode", dir: join(cwd, ".opencode") },
  ]
}

export function readConfigs(env: Env, home: string, cwd: string, fs: DoctorFs): OpenCodeConfigs {
  const out: OpenCodeConfigs = { opencode: [], tui: [], cli: [], problems: [] }
  for (const { where, dir } of configDirs(env, home, cwd)) {
    for (const [base, into] of [
      ["opencode", out.opencode],
      ["tui", out.tui],
      ["cli", out.cli],
    ] as const) {
      if (base === "cli" && where !== "global") continue
      for (const name of [`${base}.json`, `${base}.jsonc`]) {
        const label = `${name} (${where})`
        const read = fs.readText(join(dir, name))
        if (!read.ok) {
          if (read.reason !== "missing") out.problems.push(`${label} ${REASONS[read.reason]}`)
          continue
        }
        const parsed = parseConfig(read.text)
        if (parsed.ok) into.push({ label, value: parsed.value, dir })
        else out.problems.push(`${label} ${parsed.problem}`)
      }
    }
  }
  return out
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v)

const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"])

/** A config string as it may be shown: cleaned and short. */
export const shown = (v: unknown, max = 80): string => (typeof v === "string" ? cleanText(v, max) : "")

/** The opencode configs merged as OpenCode does: later (project) wins per key, providers per id, plugins add up. */
export function mergeOpenCode(files: readonly ConfigFile[]): {
  provider: Record<string, Record<string, unknown>>
  model: unknown
  smallModel: unknown
  plugins: PluginEntry[]
} {
  const provider: Record<string, Record<string, unknown>> = {}
  let model: unknown = undefined
  let smallModel: unknown = undefined
  const plugins: PluginEntry[] = []
  for (const f of files) {
    if (isRecord(f.value.provider))
      for (const [id, p] of Object.entries(f.value.provider).slice(0, 100))
        if (isRecord(p) && !UNSAFE_KEYS.has(id)) provider[id] = { ...provider[id], ...p }
    if (f.value.model !== undefined) model = f.value.model
    if (f.value.small_model !== undefined) smallModel = f.value.small_model
    plugins.push(...pluginEntries(f))
  }
  return { provider, model, smallModel, plugins }
}

export interface PluginEntry {
  label: string
  /** The config key it is under: 1.x's `plugin` or 2.x's `plugins` (2.x reads both). */
  key: "plugin" | "plugins"
  entry: string
  options: unknown
  /** The config file's directory. */
  dir: string
}

/**
 * The plugin entries of a file, under `plugin` (1.x; 2.x reads it too) and `plugins` (2.x): "name@version", a path or
 * URL, [name, options] or { package, options } (`options` undefined if none).
 */
export function pluginEntries(f: ConfigFile): PluginEntry[] {
  return (["plugin", "plugins"] as const).flatMap((key) => {
    const list = Array.isArray(f.value[key]) ? (f.value[key] as unknown[]).slice(0, 100) : []
    return list.flatMap((e: unknown) => {
      const name = Array.isArray(e) ? e[0] : isRecord(e) ? e.package : e
      const options = Array.isArray(e) ? e[1] : isRecord(e) ? e.options : undefined
      return typeof name === "string" ? [{ label: f.label, key, entry: name, options, dir: f.dir }] : []
    })
  })
}
