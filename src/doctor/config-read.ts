// OpenCode's config files as the doctor reads them: global ($XDG_CONFIG_HOME/opencode) and the project's (cwd),
// opencode.json(c) and tui.json(c), each capped and parsed as JSONC. An unreadable file is a problem named, never a throw.
import { join } from "node:path"
import { cleanText } from "../core/sanitize.ts"
import type { Env } from "../core/types.ts"
import type { DoctorFs } from "./fs.ts"
import { parseConfig } from "./jsonc.ts"

export interface ConfigFile {
  /** "opencode.json (global)" */
  label: string
  value: Record<string, unknown>
}

export interface OpenCodeConfigs {
  opencode: ConfigFile[]
  tui: ConfigFile[]
  /** One phrase per file that exists and could not be used. */
  problems: string[]
}

const REASONS = { too_large: "is larger than 1 MiB", unreadable: "cannot be read" } as const

export function configDirs(env: Env, home: string, cwd: string): { where: string; dir: string }[] {
  const xdg = env.XDG_CONFIG_HOME?.trim()
  return [
    { where: "global", dir: join(xdg ? xdg : join(home, ".config"), "opencode") },
    { where: "project", dir: cwd },
  ]
}

export function readConfigs(env: Env, home: string, cwd: string, fs: DoctorFs): OpenCodeConfigs {
  const out: OpenCodeConfigs = { opencode: [], tui: [], problems: [] }
  for (const { where, dir } of configDirs(env, home, cwd)) {
    for (const [base, into] of [
      ["opencode", out.opencode],
      ["tui", out.tui],
    ] as const) {
      for (const name of [`${base}.json`, `${base}.jsonc`]) {
        const label = `${name} (${where})`
        const read = fs.readText(join(dir, name))
        if (!read.ok) {
          if (read.reason !== "missing") out.problems.push(`${label} ${REASONS[read.reason]}`)
          continue
        }
        const parsed = parseConfig(read.text)
        if (parsed.ok) into.push({ label, value: parsed.value })
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
  plugins: { label: string; entry: string; options: unknown }[]
} {
  const provider: Record<string, Record<string, unknown>> = {}
  let model: unknown = undefined
  let smallModel: unknown = undefined
  const plugins: { label: string; entry: string; options: unknown }[] = []
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

/** The `plugin` entries of a file: "name@version", a path or URL, or [name, options] (`options` undefined if none). */
export function pluginEntries(f: ConfigFile): { label: string; entry: string; options: unknown }[] {
  const list = Array.isArray(f.value.plugin) ? f.value.plugin.slice(0, 100) : []
  return list.flatMap((e: unknown) => {
    const name = Array.isArray(e) ? e[0] : e
    const options = Array.isArray(e) ? e[1] : undefined
    return typeof name === "string" ? [{ label: f.label, entry: name, options }] : []
  })
}
