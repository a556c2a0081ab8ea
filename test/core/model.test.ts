import { describe, it, expect } from "vitest"
import { isGlm5Class, POLICY_RULES, recommendModel, type SelectionInput } from "../../src/core/model.ts"
import { PLAN_CATALOG, withCatalogOverrides } from "../../src/core/plans.ts"
import { peakState } from "../../src/core/peak.ts"
import type { PeakState, QuotaWindow } from "../../src/core/types.ts"

const window = (kind: QuotaWindow["kind"], usedPercent: number | null): QuotaWindow => ({
  kind,
  meter: "tokens",
  usedPercent,
  used: null,
  limit: null,
  remaining: null,
  resetsAt: null,
})

const OFF_PEAK: PeakState = {
  active: false,
  periods: [],
  endsAt: null,
  nextStartsAt: "2026-03-04T06:00:00.000Z",
  glm5Multiplier: 1,
}
// Wed 2026-03-04 15:30 Beijing, computed rather than hand-written.
const QUOTA_PEAK: PeakState = peakState(new Date("2026-03-04T07:30:00.000Z"))
const THROTTLE_ONLY: PeakState = {
  active: true,
  periods: ["throttle"],
  endsAt: "2026-03-04T10:00:00.000Z",
  nextStartsAt: null,
  glm5Multiplier: 1,
}

const LOW = [window("five_hour", 22), window("weekly", 25), window("mcp_monthly", 99)]

const input = (over: Partial<SelectionInput>): SelectionInput => ({ plan: "pro", windows: LOW, peak: OFF_PEAK, ...over })

describe("policy thresholds are data", () => {
  it("has one entry per policy", () => {
    expect(POLICY_RULES.balanced.windowPercent).toBe(80)
    expect(POLICY_RULES.quality.windowPercent).toBe(95)
    expect(POLICY_RULES.economy.windowPercent).toBe(50)
  })
})

describe("recommendModel, balanced (default)", () => {
  it("1. plan unknown → glm-4.7, says so", () => {
    const r = recommendModel(input({ plan: null, peak: OFF_PEAK }))
    expect(r.model).toBe("glm-4.7")
    expect(r.reason).toMatch(/plan unknown/)
    expect(r.reason).toMatch(/every plan/)
  })

  it("2. Lite (no GLM-5 in the catalog) → glm-4.7, names the plan", () => {
    const r = recommendModel(input({ plan: "lite" }))
    expect(r).toEqual({ model: "glm-4.7", reason: expect.stringContaining("the Lite plan does not include GLM-5") })
  })

  it("2. follows the catalog: a Pro plan without GLM-5 in an overridden catalog → glm-4.7", () => {
    const catalog = withCatalogOverrides(PLAN_CATALOG, { pro: { models: ["glm-4.7"] } })
    expect(recommendModel(input({ catalog })).reason).toContain("the Pro plan does not include GLM-5")
  })

  it("3. five-hour window ≥ 80 % → glm-4.7, names window and percent", () => {
    const r = recommendModel(input({ windows: [window("five_hour", 85), window("weekly", 30)] }))
    expect(r).toEqual({ model: "glm-4.7", reason: "5-hour window 85 % used: save quota with GLM-4.7" })
  })

  it("3. weekly window at exactly 80 % → glm-4.7, even off-peak", () => {
    const r = recommendModel(input({ windows: [window("five_hour", 10), window("weekly", 80)] }))
    expect(r.model).toBe("glm-4.7")
    expect(r.reason).toContain("weekly window 80 % used")
  })

  it("3. names the fuller window when both are over, and ignores null and MCP windows", () => {
    const r = recommendModel(input({ windows: [window("five_hour", 81), window("weekly", 92.34)] }))
    expect(r.reason).toContain("weekly window 92.3 % used")
    const ignored = recommendModel(input({ windows: [window("five_hour", null), window("mcp_monthly", 100), window("other", 100)] }))
    expect(ignored.model).toBe("glm-5")
  })

  it("4. quota peak → glm-4.7 with the design's reason", () => {
    const r = recommendModel(input({ peak: QUOTA_PEAK }))
    expect(r).toEqual({ model: "glm-4.7", reason: "peak hours until 18:00 Beijing time: GLM-5 costs 3× quota" })
  })

  it("4. formats the end in another zone by name", () => {
    const r = recommendModel(input({ peak: QUOTA_PEAK, peakTimeZone: "America/New_York" }))
    expect(r.reason).toBe("peak hours until 05:00 America/New_York: GLM-5 costs 3× quota")
  })

  it("4. the window rule wins over the peak rule", () => {
    const r = recommendModel(input({ peak: QUOTA_PEAK, windows: [window("five_hour", 90)] }))
    expect(r.reason).toContain("5-hour window 90 % used")
  })

  it("5. off-peak with quota to spare → glm-5 on the plan", () => {
    const r = recommendModel(input({ plan: "max" }))
    expect(r).toEqual({ model: "glm-5", reason: "off-peak and quota to spare: GLM-5 on the Max plan" })
  })

  it("5. a throttle-only peak is not a quota peak → glm-5, says it costs nothing extra", () => {
    const r = recommendModel(input({ peak: THROTTLE_ONLY }))
    expect(r.model).toBe("glm-5")
    expect(r.reason).toContain("without extra GLM-5 cost")
    expect(r.reason).toContain("GLM-5 on the Pro plan")
  })
})

describe("recommendModel, quality", () => {
  const q = (over: Partial<SelectionInput>): SelectionInput => input({ policy: "quality", ...over })

  it("1. plan unknown → glm-4.7", () => {
    expect(recommendModel(q({ plan: null }))).toEqual({ model: "glm-4.7", reason: expect.stringContaining("plan unknown") })
  })

  it("2. Lite → glm-4.7", () => {
    expect(recommendModel(q({ plan: "lite" }))).toEqual({ model: "glm-4.7", reason: expect.stringContaining("Lite plan") })
  })

  it("window ≥ 95 % → glm-4.7", () => {
    const r = recommendModel(q({ windows: [window("weekly", 96)] }))
    expect(r).toEqual({ model: "glm-4.7", reason: "weekly window 96 % used: save quota with GLM-4.7" })
  })

  it("window at 90 % is below the quality threshold → glm-5", () => {
    expect(recommendModel(q({ windows: [window("five_hour", 90)] })).model).toBe("glm-5")
  })

  it("quota peak → still glm-5, the reason mentions the peak cost", () => {
    const r = recommendModel(q({ peak: QUOTA_PEAK }))
    expect(r.model).toBe("glm-5")
    expect(r.reason).toContain("peak hours until 18:00 Beijing time")
    expect(r.reason).toContain("3× quota")
    expect(r.reason).toContain("quality")
  })

  it("off-peak → glm-5", () => {
    expect(recommendModel(q({}))).toEqual({ model: "glm-5", reason: "off-peak and quota to spare: GLM-5 on the Pro plan" })
  })
})

describe("recommendModel, economy", () => {
  const e = (over: Partial<SelectionInput>): SelectionInput => input({ policy: "economy", ...over })

  it("1. plan unknown → glm-4.7", () => {
    expect(recommendModel(e({ plan: null }))).toEqual({ model: "glm-4.7", reason: expect.stringContaining("plan unknown") })
  })

  it("2. Lite → glm-4.7", () => {
    expect(recommendModel(e({ plan: "lite" }))).toEqual({ model: "glm-4.7", reason: expect.stringContaining("Lite plan") })
  })

  it("window ≥ 50 % → glm-4.7", () => {
    const r = recommendModel(e({ windows: [window("five_hour", 50), window("weekly", 10)] }))
    expect(r).toEqual({ model: "glm-4.7", reason: "5-hour window 50 % used: save quota with GLM-4.7" })
  })

  it("quota peak → glm-4.7 with the cost", () => {
    const r = recommendModel(e({ peak: QUOTA_PEAK }))
    expect(r).toEqual({ model: "glm-4.7", reason: "peak hours until 18:00 Beijing time: GLM-5 costs 3× quota" })
  })

  it("any peak, even throttle-only → glm-4.7", () => {
    const r = recommendModel(e({ peak: THROTTLE_ONLY }))
    expect(r.model).toBe("glm-4.7")
    expect(r.reason).toContain("peak hours until 18:00 Beijing time")
    expect(r.reason).toContain("economy")
  })

  it("off-peak with quota to spare → glm-5", () => {
    expect(recommendModel(e({}))).toEqual({ model: "glm-5", reason: "off-peak and quota to spare: GLM-5 on the Pro plan" })
  })
})

describe("isGlm5Class", () => {
  it.each(["glm-5", "GLM-5", "glm-5.1", "glm-5-turbo", "zai-coding-plan/glm-5", "glm-5.2[1m]", "zhipuai/GLM-5.1-air"])(
    "%s → true",
    (id) => {
      expect(isGlm5Class(id)).toBe(true)
    },
  )
  it.each(["glm-4.7", "glm-4.5-air", "glm-50x", "glm-50", "glm-5x", "glm5", "xglm-5", "", "gpt-5"])("%s → false", (id) => {
    expect(isGlm5Class(id)).toBe(false)
  })
})
