// DATED DATA: the Coding Plan model ids each OpenCode version ships in its built-in catalog, for the doctor's model
// check when neither a running server nor OpenCode's models cache says more. Source: the binaries themselves, offline
// (OPENCODE_DISABLE_MODELS_FETCH=1), December 2026 — `opencode models zai-coding-plan` (1.18.33, with a key in the
// environment) and `opencode models --standalone` (2.2.5, with keys stored); test/e2e/FINDINGS.md "OpenCode 2".
// A version not listed here uses the nearest listed version of its major below it (else the first of its major).

export interface ShippedCatalog {
  version: string
  /** provider id → model ids */
  providers: Record<string, readonly string[]>
}

export const SHIPPED_CATALOGS: readonly ShippedCatalog[] = [
  {
    version: "1.18.33",
    providers: {
      "zai-coding-plan": [
        "glm-4.7",
        "glm-5-turbo",
        "glm-5.2",
        "glm-5.2-highspeed",
        "glm-5.3",
        "glm-5.3-flash",
        "glm-5.3-highspeed",
      ],
      "zhipuai-coding-plan": ["glm-4.6v", "glm-5.3", "glm-5.3-flash", "glm-5.3-highspeed"],
    },
  },
  {
    version: "2.2.5",
    providers: {
      "zai-coding-plan": ["glm-5.3", "glm-5.3-flash", "glm-5.3-highspeed"],
      "zhipuai-coding-plan": ["glm-5.3", "glm-5.3-flash", "glm-5.3-highspeed"],
    },
  },
]

const parts = (v: string): number[] => v.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0)
const compare = (a: string, b: string): number => {
  const x = parts(a)
  const y = parts(b)
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0)
  return 0
}

/** The catalog a version ships: its own, else the nearest listed one of the same major below it, else the first. */
export function shippedCatalog(version: string): ShippedCatalog | null {
  const major = parts(version)[0]
  const same = SHIPPED_CATALOGS.filter((c) => parts(c.version)[0] === major).sort((a, b) =>
    compare(a.version, b.version),
  )
  if (same.length === 0) return null
  const below = same.filter((c) => compare(c.version, version) <= 0)
  return below[below.length - 1] ?? same[0]!
}
