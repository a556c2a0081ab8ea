// A user's additions to the dated model catalog (the `models.catalog` option, GLM_QUOTA_MODELS). Pure; never throws.
import { bareId, beijingDayStart, type ModelCatalog } from "./catalog.ts"
import type { PlanId } from "./types.ts"

const ALL: readonly PlanId[] = ["lite", "pro", "max"]
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)
const TIERS = new Set<string>(ALL)

/**
 * A user's additions to the catalog (the `models.catalog` option, `GLM_QUOTA_MODELS`): entries `{ id, class, rank?,
 * vision?, tiers?, from?, until? }` replace the built-in entry of the same id or add a new one. Returns the merged
 * catalog and a phrase per entry it could not use. Never throws.
 */
export function withModelOverrides(
  base: ModelCatalog,
  entries: unknown,
): { catalog: ModelCatalog; problems: string[] } {
  if (entries === undefined || entries === null) return { catalog: base, problems: [] }
  if (!Array.isArray(entries)) return { catalog: base, problems: ["catalog: expected a list of models"] }
  const problems: string[] = []
  const models = new Map(base.models.map((m) => [m.id, m]))
  entries.forEach((e: unknown, i) => {
    const where = `catalog[${i}]`
    if (!isRecord(e) || typeof e.id !== "string" || e.id.trim() === "")
      return problems.push(`${where}: expected { id, class }`)
    if (e.class !== "glm-5" && e.class !== "glm-4.7") return problems.push(`${where}.class: use "glm-5" or "glm-4.7"`)
    const tiers = e.tiers === undefined ? ALL : e.tiers
    if (!Array.isArray(tiers) || tiers.length === 0 || !tiers.every((t) => typeof t === "string" && TIERS.has(t)))
      return problems.push(`${where}.tiers: use lite, pro, max`)
    const from = e.from === undefined ? "2000-01-01" : e.from
    if (typeof from !== "string" || Number.isNaN(beijingDayStart(from)))
      return problems.push(`${where}.from: expected "YYYY-MM-DD"`)
    if (e.until !== undefined && (typeof e.until !== "string" || Number.isNaN(beijingDayStart(e.until))))
      return problems.push(`${where}.until: expected "YYYY-MM-DD"`)
    if (e.rank !== undefined && (typeof e.rank !== "number" || !Number.isFinite(e.rank)))
      return problems.push(`${where}.rank: expected a number`)
    const id = bareId(e.id)
    models.set(id, {
      id,
      class: e.class,
      vision: e.vision === true,
      rank: typeof e.rank === "number" ? e.rank : (models.get(id)?.rank ?? 0),
      available: [{ tiers: tiers as PlanId[], from, ...(typeof e.until === "string" ? { until: e.until } : {}) }],
      source: "your override",
    })
  })
  return { catalog: { ...base, models: [...models.values()] }, problems }
}
