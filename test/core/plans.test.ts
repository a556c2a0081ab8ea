import { describe, it, expect } from "vitest"
import { PLAN_CATALOG, planFromLabel, planHasModel, withCatalogOverrides } from "../../src/core/plans.ts"

describe("PLAN_CATALOG", () => {
  it("has the seed USD prices: quarterly = 3× less 10 %, yearly = 12× less 30 %", () => {
    expect(PLAN_CATALOG.lite.priceUsd).toEqual({ monthly: 10, quarterly: 27, yearly: 84 })
    expect(PLAN_CATALOG.pro.priceUsd).toEqual({ monthly: 30, quarterly: 81, yearly: 252 })
    expect(PLAN_CATALOG.max.priceUsd).toEqual({ monthly: 80, quarterly: 216, yearly: 672 })
  })

  it("has the seed CNY prices, rounded to cents", () => {
    expect(PLAN_CATALOG.lite.priceCny).toEqual({ monthly: 49, quarterly: 132.3, yearly: 411.6 })
    expect(PLAN_CATALOG.pro.priceCny).toEqual({ monthly: 149, quarterly: 402.3, yearly: 1251.6 })
    expect(PLAN_CATALOG.max.priceCny).toEqual({ monthly: 469, quarterly: 1266.3, yearly: 3939.6 })
  })

  it("has prompts, MCP calls, models and credits per tier", () => {
    expect([PLAN_CATALOG.lite.promptsPer5h, PLAN_CATALOG.pro.promptsPer5h, PLAN_CATALOG.max.promptsPer5h]).toEqual([120, 600, 2400])
    expect([PLAN_CATALOG.lite.mcpCallsPerMonth, PLAN_CATALOG.pro.mcpCallsPerMonth, PLAN_CATALOG.max.mcpCallsPerMonth]).toEqual([
      100, 1000, 4000,
    ])
    expect(PLAN_CATALOG.lite.models).toEqual(["glm-4.7"])
    expect(PLAN_CATALOG.pro.models).toEqual(["glm-4.7", "glm-5"])
    expect(PLAN_CATALOG.max.models).toEqual(["glm-4.7", "glm-5"])
    expect(PLAN_CATALOG.lite.credits).toEqual({ fiveHour: 2000, weekly: 10000 })
    expect(PLAN_CATALOG.pro.credits).toEqual({ fiveHour: 8000, weekly: 40000 })
    expect(PLAN_CATALOG.max.credits).toEqual({ fiveHour: 28000, weekly: 140000 })
  })

  it("is keyed by id with display names", () => {
    for (const [key, info] of Object.entries(PLAN_CATALOG)) expect(info.id).toBe(key)
    expect([PLAN_CATALOG.lite.name, PLAN_CATALOG.pro.name, PLAN_CATALOG.max.name]).toEqual(["Lite", "Pro", "Max"])
  })
})

describe("planHasModel", () => {
  it("follows the catalog", () => {
    expect(planHasModel(PLAN_CATALOG, "lite", "glm-5")).toBe(false)
    expect(planHasModel(PLAN_CATALOG, "lite", "glm-4.7")).toBe(true)
    expect(planHasModel(PLAN_CATALOG, "pro", "glm-5")).toBe(true)
    expect(planHasModel(PLAN_CATALOG, "max", "glm-5")).toBe(true)
  })
})

describe("planFromLabel", () => {
  it.each([
    ["pro", "pro"],
    ["Pro", "pro"],
    ["PRO", "pro"],
    ["lite", "lite"],
    ["Max", "max"],
    ["GLM Coding Max", "max"],
    ["GLM Coding Lite (Quarterly)", "lite"],
    ["GLM Coding Pro-Yearly", "pro"],
    ["  max  ", "max"],
    ["glm_coding_pro", "pro"],
  ] as const)("%j → %s", (label, id) => {
    expect(planFromLabel(label)).toBe(id)
  })

  it.each(["", null, undefined, "Enterprise", "Professional", "Maximum", "promax"])("%j → null", (label) => {
    expect(planFromLabel(label)).toBeNull()
  })
})

describe("withCatalogOverrides", () => {
  it("deep-merges a partial override and leaves the base alone", () => {
    const catalog = withCatalogOverrides(PLAN_CATALOG, {
      pro: { priceUsd: { monthly: 25 }, credits: { fiveHour: null }, models: ["glm-4.7"] },
      max: { name: "Max+", promptsPer5h: 3000 },
    })
    expect(catalog.pro.priceUsd).toEqual({ monthly: 25, quarterly: 81, yearly: 252 })
    expect(catalog.pro.credits).toEqual({ fiveHour: null, weekly: 40000 })
    expect(catalog.pro.models).toEqual(["glm-4.7"])
    expect(catalog.pro.priceCny).toEqual(PLAN_CATALOG.pro.priceCny)
    expect(catalog.max.name).toBe("Max+")
    expect(catalog.max.promptsPer5h).toBe(3000)
    expect(catalog.lite).toEqual(PLAN_CATALOG.lite)
    expect(PLAN_CATALOG.pro.priceUsd.monthly).toBe(30)
    expect(PLAN_CATALOG.pro.models).toEqual(["glm-4.7", "glm-5"])
    expect(catalog.lite).not.toBe(PLAN_CATALOG.lite)
  })

  it("can give Lite GLM-5", () => {
    const catalog = withCatalogOverrides(PLAN_CATALOG, { lite: { models: ["glm-4.7", "glm-5", "glm-5"] } })
    expect(catalog.lite.models).toEqual(["glm-4.7", "glm-5"])
    expect(planHasModel(catalog, "lite", "glm-5")).toBe(true)
  })

  it("ignores fields of the wrong type, unknown plans and the id", () => {
    const catalog = withCatalogOverrides(PLAN_CATALOG, {
      pro: {
        id: "max",
        name: 42,
        priceUsd: { monthly: "25", quarterly: -1, yearly: Number.NaN },
        priceCny: "cheap",
        promptsPer5h: null,
        mcpCallsPerMonth: Number.POSITIVE_INFINITY,
        models: ["glm-4.7", "glm-6"],
        credits: { fiveHour: "lots", weekly: -5 },
      },
      enterprise: { name: "Enterprise" },
    })
    expect(catalog).toEqual(PLAN_CATALOG)
    expect(Object.keys(catalog).sort()).toEqual(["lite", "max", "pro"])
  })

  it.each([[null], [undefined], ["garbage"], [42], [[1, 2, 3]], [{ pro: "x" }], [{ pro: [1] }]])("returns the base for %j", (garbage) => {
    expect(withCatalogOverrides(PLAN_CATALOG, garbage)).toEqual(PLAN_CATALOG)
  })

  it("never throws, even on a throwing getter", () => {
    const hostile = Object.defineProperty({}, "pro", {
      enumerable: true,
      get: () => {
        throw new Error("boom")
      },
    })
    const nested = { max: Object.defineProperty({}, "name", { get: () => { throw new Error("boom") } }) }
    expect(withCatalogOverrides(PLAN_CATALOG, hostile)).toEqual(PLAN_CATALOG)
    expect(withCatalogOverrides(PLAN_CATALOG, nested)).toEqual(PLAN_CATALOG)
  })
})
