import { describe, it, expect } from "vitest"
import { PLAN_CATALOG, planFromLabel } from "../../src/core/plans/plan-catalog.ts"

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

  it("has prompts, MCP calls and credits per tier (models per tier and date are the model catalog's)", () => {
    expect([PLAN_CATALOG.lite.promptsPer5h, PLAN_CATALOG.pro.promptsPer5h, PLAN_CATALOG.max.promptsPer5h]).toEqual([
      120, 600, 2400,
    ])
    expect([
      PLAN_CATALOG.lite.mcpCallsPerMonth,
      PLAN_CATALOG.pro.mcpCallsPerMonth,
      PLAN_CATALOG.max.mcpCallsPerMonth,
    ]).toEqual([100, 1000, 4000])
    expect(PLAN_CATALOG.lite.credits).toEqual({ fiveHour: 2000, weekly: 10000 })
    expect(PLAN_CATALOG.pro.credits).toEqual({ fiveHour: 12000, weekly: 60000 })
    expect(PLAN_CATALOG.max.credits).toEqual({ fiveHour: 28000, weekly: 140000 })
  })

  it("is keyed by id with display names", () => {
    for (const [key, info] of Object.entries(PLAN_CATALOG)) expect(info.id).toBe(key)
    expect([PLAN_CATALOG.lite.name, PLAN_CATALOG.pro.name, PLAN_CATALOG.max.name]).toEqual(["Lite", "Pro", "Max"])
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
