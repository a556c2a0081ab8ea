// The GLM models of the Coding Plan as dated data: each id, its class, which tiers have it from when (and where), and
// what each class costs per phase and plan generation. It changes every few months: edit the data, not the code.
// Pure; every answer depends on the instant it is asked for, so a report for March 2026 gives March 2026's answer.
//
// Sources (public, read 2026-12-01): docs.z.ai "GLM Coding Plan" FAQ and model pages, docs.bigmodel.cn coding-plan
// pages, models.dev history of the zai-coding-plan / zhipuai-coding-plan providers (what opencode 1.18.33 bundles), and
// the project's API field notes (zai-monitor-api.md, "Models on the plan"). Dates are Beijing days (the vendor announces in UTC+8); where a
// source gave only a month, the 1st is used and the entry says so.
// size: the catalog is data — thirteen models and four multiplier eras, each with its source — beside the few
// functions that read it; splitting the table from its readers would only scatter it.
import { CREDIT_COSTS, type CreditCosts } from "./credit-catalog.ts"
import type { ModelClass, PlanGeneration, PlanId, Pricing, Region } from "../types.ts"

export interface Availability {
  tiers: readonly PlanId[]
  /** First Beijing day, "YYYY-MM-DD". */
  from: string
  /** First Beijing day it is gone, when it is. */
  until?: string
  /** Both regions unless given. */
  regions?: readonly Region[]
}

export interface CatalogModel {
  id: string
  class: ModelClass
  /** A vision variant: never recommended for coding. */
  vision?: boolean
  /** Preference within its class: the highest listed one is recommended. */
  rank: number
  available: readonly Availability[]
  /** The host serves calls for this id with another model from a date (China, Sep 2026). */
  servedBy?: readonly { region: Region; model: string; from: string }[]
  source: string
}

export interface MultiplierEra {
  generation: PlanGeneration
  from: string
  until?: string
  /** Quota (or credits) deducted per unit of use, by phase and class. */
  peak: Record<ModelClass, number>
  offPeak: Record<ModelClass, number>
  source: string
}

export interface ModelCatalog {
  models: readonly CatalogModel[]
  multipliers: readonly MultiplierEra[]
  /** When the windows do not tell the generation: credit plans are the norm from this day. */
  creditNormFrom: string
  /** What a call costs in credits (the formula's multipliers per model, MCP price, phase factors, allowances). */
  credits: CreditCosts
}

const ALL: readonly PlanId[] = ["lite", "pro", "max"]
const PRO_MAX: readonly PlanId[] = ["pro", "max"]
const CHINA_SWAP = "2026-09-15"

export const MODEL_CATALOG: ModelCatalog = {
  models: [
    {
      id: "glm-5.4",
      class: "glm-5",
      rank: 100,
      available: [{ tiers: ALL, from: "2026-11-24" }],
      source: "docs.z.ai GLM-5.4 release, 24 Nov 2026: all Coding Plan users",
    },
    {
      id: "glm-5.3",
      class: "glm-5",
      rank: 90,
      available: [{ tiers: ALL, from: "2026-08-14" }],
      source: "docs.z.ai GLM-5.3, ~14 Aug 2026: all plans incl. Lite",
    },
    {
      id: "glm-5.3-highspeed",
      class: "glm-5",
      rank: 85,
      available: [{ tiers: ALL, from: "2026-08-14" }],
      source: "models.dev zai-coding-plan; released with GLM-5.3 (date assumed)",
    },
    {
      id: "glm-5.2",
      class: "glm-5",
      rank: 80,
      available: [{ tiers: ALL, from: "2026-06-01" }],
      servedBy: [{ region: "china", model: "glm-5.3", from: CHINA_SWAP }],
      source: "docs.z.ai GLM-5.2 (1M context), Jun 2026 (day not given)",
    },
    {
      id: "glm-5.2-highspeed",
      class: "glm-5",
      rank: 75,
      available: [{ tiers: ALL, from: "2026-06-01" }],
      source: "models.dev zai-coding-plan; released with GLM-5.2 (date assumed)",
    },
    {
      id: "glm-5.1",
      class: "glm-5",
      rank: 70,
      available: [{ tiers: ALL, from: "2026-03-27" }],
      servedBy: [{ region: "china", model: "glm-5.3", from: CHINA_SWAP }],
      source: "docs.z.ai FAQ, ~27 Mar 2026: GLM-5.1 on all plans",
    },
    {
      id: "glm-5-turbo",
      class: "glm-5",
      rank: 60,
      available: [{ tiers: ALL, from: "2026-03-27" }],
      servedBy: [{ region: "china", model: "glm-5.3-flash", from: CHINA_SWAP }],
      source: "docs.z.ai FAQ, ~27 Mar 2026: GLM-5-Turbo on all plans",
    },
    {
      id: "glm-5",
      class: "glm-5",
      rank: 50,
      available: [{ tiers: PRO_MAX, from: "2026-02-11" }],
      source: "plan reference Feb 2026: GLM-5 on Pro and Max (Lite: error 1311)",
    },
    {
      id: "glm-5.3-flash",
      class: "glm-4.7",
      rank: 40,
      available: [{ tiers: ALL, from: "2026-08-27" }],
      source: "docs.z.ai GLM-5.3-Flash, ~27 Aug 2026: all plans",
    },
    {
      id: "glm-4.7",
      class: "glm-4.7",
      rank: 30,
      available: [{ tiers: ALL, from: "2025-12-22" }],
      servedBy: [{ region: "china", model: "glm-5.3-flash", from: CHINA_SWAP }],
      source: "plan reference Feb 2026: GLM-4.7 on every tier",
    },
    {
      id: "glm-4.6",
      class: "glm-4.7",
      rank: 20,
      available: [{ tiers: ALL, from: "2025-09-30" }],
      source: "docs.z.ai GLM-4.6 on the Coding Plan, Sep 2025",
    },
    {
      id: "glm-4.5-air",
      class: "glm-4.7",
      rank: 10,
      available: [{ tiers: ALL, from: "2026-03-27" }],
      source: "docs.z.ai FAQ, ~27 Mar 2026: GLM-4.5-Air on all plans",
    },
    {
      id: "glm-4.6v",
      class: "glm-4.7",
      vision: true,
      rank: 5,
      available: [{ tiers: ALL, from: "2025-12-08" }],
      source: "models.dev zhipuai-coding-plan: GLM-4.6V (vision)",
    },
  ],
  multipliers: [
    {
      generation: "legacy",
      from: "2025-01-01",
      until: "2026-03-27",
      peak: { "glm-5": 3, "glm-4.7": 1 },
      offPeak: { "glm-5": 1, "glm-4.7": 1 },
      source: "plan reference Feb 2026: quota peak Mon–Fri 14–18 Beijing, GLM-5 3×",
    },
    {
      generation: "legacy",
      from: "2026-03-27",
      until: "2026-07-01",
      peak: { "glm-5": 3, "glm-4.7": 1 },
      offPeak: { "glm-5": 1, "glm-4.7": 1 },
      source:
        "docs.z.ai FAQ, ~27 Mar 2026: GLM-5.1 / 5-Turbo 3× at peak, 2× off-peak, off-peak 1× as a promotion until end of Jun 2026",
    },
    {
      generation: "legacy",
      from: "2026-07-01",
      peak: { "glm-5": 3, "glm-4.7": 1 },
      offPeak: { "glm-5": 2, "glm-4.7": 1 },
      source: "docs.z.ai FAQ: the off-peak promotion ended with June 2026; GLM-5-class 2× off-peak",
    },
    {
      generation: "credit",
      from: "2026-07-30",
      peak: { "glm-5": 1, "glm-4.7": 1 },
      offPeak: { "glm-5": 0.5, "glm-4.7": 0.5 },
      source: "docs.z.ai / docs.bigmodel.cn credit plans, Aug 2026: Mon–Fri 14–18 Beijing 1×, otherwise 0.5×",
    },
  ],
  creditNormFrom: "2026-08-01",
  credits: CREDIT_COSTS,
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** A Beijing day "YYYY-MM-DD" as the instant it begins (UTC+8 has no DST). NaN when malformed. */
export function beijingDayStart(day: string): number {
  const m = DAY.exec(day)
  if (m === null) return Number.NaN
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - 8 * 3_600_000
}

const within = (t: number, from: string, until?: string): boolean =>
  t >= beijingDayStart(from) && (until === undefined || t < beijingDayStart(until))

/**
 * The catalog entry of an id (case-insensitive, a provider prefix "zai-coding-plan/" ignored, an alias such as
 * "glm-5.4[1m]" read as its base id), or undefined.
 */
export function catalogModel(catalog: ModelCatalog, id: string): CatalogModel | undefined {
  const bare = baseId(id)
  return catalog.models.find((m) => m.id === bare)
}

export const bareId = (id: string): string => {
  const slash = id.lastIndexOf("/")
  return (slash >= 0 ? id.slice(slash + 1) : id).trim().toLowerCase()
}

/** A tool's long-context alias such as "glm-5.4[1m]" (a Claude Code name, not an OpenCode id). */
export const isAlias = (id: string): boolean => /\[[^\]]*\]$/.test(id.trim())

/** The base id of an alias: "glm-5.4[1m]" → "glm-5.4"; other ids bare, as they are. */
export const baseId = (id: string): string => bareId(id).replace(/\[[^\]]*\]$/, "")

const HEAVY_ID = /(?:^|[^a-z0-9])glm-5(?:$|[.\-[])/i
const LIGHT_ID = /(?:^|[^a-z0-9])glm-4(?:$|[.\-[])|flash/i

/**
 * The class of an id: the catalog's word when it knows the id, else read from the name (a "-flash" variant is light
 * whatever its number; "glm-5…" heavy; "glm-4…" light); null for an id that is not a GLM model.
 */
export function classOf(id: string, catalog: ModelCatalog = MODEL_CATALOG): ModelClass | null {
  const known = catalogModel(catalog, id)
  if (known !== undefined) return known.class
  const bare = bareId(id)
  if (!/(?:^|[^a-z0-9])glm-/i.test(bare)) return null
  if (/flash/i.test(bare)) return "glm-4.7"
  if (HEAVY_ID.test(bare)) return "glm-5"
  if (LIGHT_ID.test(bare)) return "glm-4.7"
  return null
}

/** Whether the tier has the model at the instant in the region (null tier: every tier must have it). */
export function isAvailable(model: CatalogModel, tier: PlanId | null, region: Region, at: number): boolean {
  return model.available.some(
    (a) =>
      (tier === null ? ALL.every((t) => a.tiers.includes(t)) : a.tiers.includes(tier)) &&
      (a.regions === undefined || a.regions.includes(region)) &&
      within(at, a.from, a.until),
  )
}

/** Whether any model of the class is on the tier at the instant (Lite had no GLM-5 class before late March 2026). */
export function tierHasClass(
  catalog: ModelCatalog,
  tier: PlanId,
  cls: ModelClass,
  region: Region,
  at: number,
): boolean {
  return catalog.models.some((m) => m.class === cls && !m.vision && isAvailable(m, tier, region, at))
}

/** The model the host really serves for an id at the instant, when it is another one (China from Sep 2026). */
export function servedBy(
  catalog: ModelCatalog,
  id: string,
  region: Region,
  at: number,
): { model: string; from: string } | null {
  const swap = catalogModel(catalog, id)?.servedBy?.find((s) => s.region === region && at >= beijingDayStart(s.from))
  return swap === undefined ? null : { model: swap.model, from: swap.from }
}

/** The era of a generation at the instant: the one containing it, else the nearest (earliest before, latest after). */
function eraAt(catalog: ModelCatalog, generation: PlanGeneration, at: number): MultiplierEra | undefined {
  const eras = catalog.multipliers
    .filter((e) => e.generation === generation)
    .sort((a, b) => beijingDayStart(a.from) - beijingDayStart(b.from))
  return (
    eras.find((e) => within(at, e.from, e.until)) ??
    (eras.length > 0 && at < beijingDayStart(eras[0]!.from) ? eras[0] : eras[eras.length - 1])
  )
}

export interface PricingInput {
  catalog?: ModelCatalog
  generation: PlanGeneration | null
  at: number
  quotaPeak: boolean
  /** A user's schedule that names multipliers itself: they win for the GLM-5 class. */
  explicit?: { peak?: number; offPeak?: number }
}

/** What each class costs per phase on this plan generation at the instant, and which phase it is. */
export function pricingAt(input: PricingInput): Pricing {
  const catalog = input.catalog ?? MODEL_CATALOG
  const generation = input.generation ?? (input.at >= beijingDayStart(catalog.creditNormFrom) ? "credit" : "legacy")
  const era = eraAt(catalog, generation, input.at)
  const heavy = { peak: era?.peak["glm-5"] ?? 1, offPeak: era?.offPeak["glm-5"] ?? 1 }
  if (input.explicit?.peak !== undefined) heavy.peak = input.explicit.peak
  if (input.explicit?.offPeak !== undefined) heavy.offPeak = input.explicit.offPeak
  return {
    generation,
    phase: input.quotaPeak ? "peak" : "offPeak",
    "glm-5": heavy,
    "glm-4.7": { peak: era?.peak["glm-4.7"] ?? 1, offPeak: era?.offPeak["glm-4.7"] ?? 1 },
  }
}

/** The multiplier of a class now. */
export const multiplierNow = (p: Pricing, cls: ModelClass): number => p[cls][p.phase]
