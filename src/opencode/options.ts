// Plugin options from `["glm-quota", { … }]`: validated once, invalid ones named and replaced by defaults.
import { MODEL_CATALOG, type ModelCatalog } from "../core/catalog.ts"
import { parseModels, type ModelPreference } from "../core/model.ts"
import { DEFAULT_PEAK_SCHEDULE, parsePeakSchedule, type PeakSchedule } from "../core/peak.ts"
import type { Policy, Region } from "../core/types.ts"
import { parseRegion } from "../zai/regions.ts"
import { DEFAULT_GUARD, type GuardSettings } from "./guard.ts"

export type ModelMode = "suggest" | "apply" | "off"

export interface Settings {
  region: Region | null
  baseUrl: string | null
  thresholds: number[]
  peak: PeakSchedule
  policy: Policy
  model: ModelMode
  toasts: boolean
  /** Seconds between quota requests, at least 30. */
  refreshInterval: number
  guard: GuardSettings
  /** Preferred ids per class (`models.heavy` / `models.light`), used when the provider lists them. */
  prefer: ModelPreference
  /** The dated model catalog with the user's `models.catalog` entries merged in. */
  modelCatalog: ModelCatalog
}

export const DEFAULTS: Settings = {
  region: null,
  baseUrl: null,
  thresholds: [80, 95],
  peak: DEFAULT_PEAK_SCHEDULE,
  policy: "balanced",
  model: "suggest",
  toasts: true,
  refreshInterval: 60,
  guard: DEFAULT_GUARD,
  prefer: {},
  modelCatalog: MODEL_CATALOG,
}

export const MIN_REFRESH_SECONDS = 30

/** The option names and their JSON Schema, published in plugin.json (a test keeps the two equal). */
export const OPTIONS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    region: { type: "string", enum: ["international", "china"], description: "Which monitor API to ask; default: where the key was found." },
    baseUrl: { type: "string", description: "Monitor API origin (relays, tests); overrides GLM_QUOTA_BASE_URL." },
    thresholds: { type: "array", items: { type: "number", minimum: 1, maximum: 100 }, default: [80, 95], description: "Percent used of the 5-hour and weekly windows at which to warn." },
    peak: { type: "object", description: "Peak schedule override: { timeZone, periods: [{ name, days, start, end, glm5Multiplier }], offPeakGlm5Multiplier }." },
    policy: { type: "string", enum: ["quality", "balanced", "economy"], default: "balanced", description: "Model selection policy." },
    model: { type: "string", enum: ["suggest", "apply", "off"], default: "suggest", description: "suggest: say which model; apply: set it on the coding-plan provider; off: neither." },
    toasts: { type: "boolean", default: true, description: "Show warnings as TUI toasts." },
    refreshInterval: { type: "number", minimum: 30, default: 60, description: "Seconds between quota requests (minimum 30)." },
    models: {
      type: "object",
      additionalProperties: false,
      description: "Model choice overrides: { heavy, light } preferred ids per class (used when the provider lists them), catalog: [{ id, class, rank, tiers, from, until, vision }] added to or replacing the dated catalog.",
      properties: {
        heavy: { type: "string", description: "Preferred GLM-5-class id, e.g. glm-5.3." },
        light: { type: "string", description: "Preferred GLM-4.7-class id, e.g. glm-4.7." },
        catalog: { type: "array", items: { type: "object" }, description: "Catalog entries { id, class: glm-5 | glm-4.7, rank?, tiers?, from?, until?, vision? }." },
      },
    },
    guard: {
      description: "Request guard for the coding-plan providers: \"off\", or { limits: { model: n, default: n }, peakLimits: { … }, retries }.",
      oneOf: [
        { type: "string", enum: ["off", "on"] },
        { type: "boolean" },
        {
          type: "object",
          additionalProperties: false,
          properties: {
            limits: { type: "object", additionalProperties: { type: "integer", minimum: 1 }, default: { default: 2 } },
            peakLimits: { type: "object", additionalProperties: { type: "integer", minimum: 1 }, default: { default: 1 } },
            retries: { type: "integer", minimum: 0, maximum: 10, default: 4 },
          },
        },
      ],
    },
  },
} as const

const POLICIES = new Set(["quality", "balanced", "economy"])
const MODES = new Set(["suggest", "apply", "off"])

export function parseOptions(input: unknown): { settings: Settings; problems: string[] } {
  const s: Settings = { ...DEFAULTS }
  const problems: string[] = []
  if (input === undefined || input === null) return { settings: s, problems }
  if (typeof input !== "object" || Array.isArray(input)) return { settings: s, problems: ["options (expected an object)"] }
  const o = input as Record<string, unknown>
  const known = new Set(Object.keys(OPTIONS_SCHEMA.properties))
  for (const k of Object.keys(o)) if (!known.has(k)) problems.push(`${k} (unknown option)`)

  if (o.region !== undefined) {
    const r = parseRegion(o.region)
    if (r === null) problems.push("region (use international or china)")
    else s.region = r
  }
  if (o.baseUrl !== undefined) {
    if (typeof o.baseUrl === "string" && /^https?:\/\/\S+$/.test(o.baseUrl.trim())) s.baseUrl = o.baseUrl.trim()
    else problems.push("baseUrl (expected an http(s) URL)")
  }
  if (o.thresholds !== undefined) {
    const t = o.thresholds
    if (Array.isArray(t) && t.length > 0 && t.every((x) => typeof x === "number" && Number.isFinite(x) && x >= 1 && x <= 100)) {
      s.thresholds = [...new Set(t as number[])].sort((a, b) => a - b)
    } else problems.push("thresholds (expected percentages between 1 and 100)")
  }
  if (o.peak !== undefined) {
    const p = parsePeakSchedule(o.peak)
    s.peak = p.schedule
    problems.push(...p.problems.map((x) => `peak: ${x}`))
  }
  if (o.policy !== undefined) {
    if (typeof o.policy === "string" && POLICIES.has(o.policy)) s.policy = o.policy as Policy
    else problems.push("policy (use quality, balanced or economy)")
  }
  if (o.model !== undefined) {
    if (typeof o.model === "string" && MODES.has(o.model)) s.model = o.model as ModelMode
    else problems.push("model (use suggest, apply or off)")
  }
  if (o.toasts !== undefined) {
    if (typeof o.toasts === "boolean") s.toasts = o.toasts
    else problems.push("toasts (expected true or false)")
  }
  if (o.refreshInterval !== undefined) {
    const r = o.refreshInterval
    if (typeof r === "number" && Number.isFinite(r) && r >= MIN_REFRESH_SECONDS) s.refreshInterval = r
    else problems.push(`refreshInterval (expected seconds, at least ${MIN_REFRESH_SECONDS})`)
  }
  if (o.models !== undefined) {
    const m = parseModels(o.models)
    problems.push(...m.problems)
    s.prefer = m.prefer
    s.modelCatalog = m.catalog
  }
  if (o.guard !== undefined) {
    const g = parseGuard(o.guard)
    if (g === null) problems.push("guard (use \"off\", or { limits, peakLimits, retries })")
    else s.guard = g
  }
  return { settings: s, problems }
}

function limitTable(v: unknown, base: Record<string, number>): Record<string, number> | null {
  if (v === undefined) return base
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null
  const out: Record<string, number> = { ...base }
  for (const [k, n] of Object.entries(v)) {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) return null
    out[k] = n
  }
  return out
}

function parseGuard(v: unknown): Settings["guard"] | null {
  if (v === false || v === "off") return { ...DEFAULT_GUARD, enabled: false }
  if (v === true || v === "on") return DEFAULT_GUARD
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null
  const o = v as Record<string, unknown>
  if (Object.keys(o).some((k) => !["limits", "peakLimits", "retries"].includes(k))) return null
  const limits = limitTable(o.limits, DEFAULT_GUARD.limits)
  const peakLimits = limitTable(o.peakLimits, DEFAULT_GUARD.peakLimits)
  const retries = o.retries === undefined ? DEFAULT_GUARD.retries : o.retries
  if (limits === null || peakLimits === null || typeof retries !== "number" || !Number.isInteger(retries) || retries < 0 || retries > 10) return null
  return { ...DEFAULT_GUARD, limits, peakLimits, retries }
}

