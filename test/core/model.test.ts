import { describe, it, expect } from "vitest"
import { pricingAt } from "../../src/core/plans/model-catalog.ts"
import { isGlm5Class, recommendModel, type SelectionInput } from "../../src/core/plans/choose-model.ts"
import { peakState, type PeakState } from "../../src/core/time/peak.ts"
import type { QuotaWindow } from "../../src/core/types.ts"

const window = (kind: QuotaWindow["kind"], usedPercent: number | null): QuotaWindow => ({
  kind,
  meter: "tokens",
  usedPercent,
  used: null,
  limit: null,
  remaining: null,
  resetsAt: null,
})

// Wed 2026-03-04 (the seed era: GLM-4.7 on every tier, GLM-5 on Pro and Max, 3× at the quota peak, 1× off-peak).
const NOW = new Date("2026-03-04T07:30:00.000Z")
const OFF_PEAK: PeakState = {
  active: false,
  periods: [],
  endsAt: null,
  nextStartsAt: "2026-03-04T06:00:00.000Z",
  glm5Multiplier: 1,
}
// Wed 2026-03-04 15:30 Beijing, computed rather than hand-written.
const QUOTA_PEAK: PeakState = peakState(NOW)
const THROTTLE_ONLY: PeakState = {
  active: true,
  periods: ["throttle"],
  endsAt: "2026-03-04T10:00:00.000Z",
  nextStartsAt: null,
  glm5Multiplier: 1,
}

const LOW = [window("five_hour", 22), window("weekly", 25), window("mcp_monthly", 99)]
const LIST = ["glm-4.7", "glm-5"]

const priced = (peak: PeakState) =>
  pricingAt({ generation: "legacy", at: NOW.getTime(), quotaPeak: peak.periods.includes("quota") })
const input = (over: Partial<SelectionInput>): SelectionInput => {
  const peak = over.peak ?? OFF_PEAK
  return {
    plan: "pro",
    windows: LOW,
    peak,
    pricing: priced(peak),
    now: NOW,
    region: "international",
    listed: LIST,
    ...over,
  }
}
const LIGHT = (reason: string | ReturnType<typeof expect.stringContaining>) => ({
  model: "glm-4.7",
  class: "glm-4.7",
  reason,
})
const HEAVY = (reason: string | ReturnType<typeof expect.stringContaining>) => ({
  model: "glm-5",
  class: "glm-5",
  reason,
})

describe("recommendModel, balanced (default)", () => {
  it("1. plan unknown → glm-4.7, says so", () => {
    const r = recommendModel(input({ plan: null, peak: OFF_PEAK }))
    expect(r.model).toBe("glm-4.7")
    expect(r.reason).toMatch(/plan unknown/)
    expect(r.reason).toMatch(/every plan has/)
    expect(r.class).toBe("glm-4.7")
  })

  it("2. Lite in March 2026 (no GLM-5 class in the catalog then) → glm-4.7, names the plan and the month", () => {
    const r = recommendModel(input({ plan: "lite" }))
    expect(r).toEqual(LIGHT(expect.stringContaining("the Lite plan has no GLM-5-class model in Mar 2026")))
  })

  it("2. a heavy model the provider does not list does not count: Pro with only glm-4.7 listed → glm-4.7", () => {
    expect(recommendModel(input({ listed: ["glm-4.7"] })).reason).toContain(
      "no GLM-5-class model of the Pro plan is listed",
    )
  })

  it("3. five-hour window ≥ 80 % → glm-4.7, names window and percent", () => {
    const r = recommendModel(input({ windows: [window("five_hour", 85), window("weekly", 30)] }))
    expect(r).toEqual(LIGHT("5-hour window 85 % used: save quota with a GLM-4.7-class model"))
  })

  it("3. weekly window at exactly 80 % → glm-4.7, even off-peak", () => {
    const r = recommendModel(input({ windows: [window("five_hour", 10), window("weekly", 80)] }))
    expect(r.model).toBe("glm-4.7")
    expect(r.reason).toContain("weekly window 80 % used")
  })

  it("3. names the fuller window when both are over, and ignores null and MCP windows", () => {
    const r = recommendModel(input({ windows: [window("five_hour", 81), window("weekly", 92.34)] }))
    expect(r.reason).toContain("weekly window 92.3 % used")
    const ignored = recommendModel(
      input({ windows: [window("five_hour", null), window("mcp_monthly", 100), window("other", 100)] }),
    )
    expect(ignored.model).toBe("glm-5")
  })

  it("4. quota peak → glm-4.7 with the design's reason", () => {
    const r = recommendModel(input({ peak: QUOTA_PEAK }))
    expect(r).toEqual(LIGHT("peak hours until 18:00 Beijing time: GLM-5-class models cost 3× quota (1× off-peak)"))
  })

  it("4. formats the end in another zone by name", () => {
    const r = recommendModel(input({ peak: QUOTA_PEAK, peakTimeZone: "America/New_York" }))
    expect(r.reason).toBe("peak hours until 05:00 America/New_York: GLM-5-class models cost 3× quota (1× off-peak)")
  })

  it("4. the window rule wins over the peak rule", () => {
    const r = recommendModel(input({ peak: QUOTA_PEAK, windows: [window("five_hour", 90)] }))
    expect(r.reason).toContain("5-hour window 90 % used")
  })

  it("5. off-peak with quota to spare → glm-5 on the plan", () => {
    const r = recommendModel(input({ plan: "max" }))
    expect(r).toEqual(HEAVY("off-peak and quota to spare: GLM-5-class on the Max plan at 1× quota now (3× at peak)"))
  })

  it("5. a throttle-only peak is not a quota peak → glm-5, says it costs nothing extra", () => {
    const r = recommendModel(input({ peak: THROTTLE_ONLY }))
    expect(r.model).toBe("glm-5")
    expect(r.reason).toContain("without extra cost")
    expect(r.reason).toContain("GLM-5-class on the Pro plan, at 1× quota")
  })

  it("4. a quota peak that costs no more than off-peak is not avoided", () => {
    const pricing = { ...priced(QUOTA_PEAK), "glm-5": { peak: 1, offPeak: 1 } }
    expect(recommendModel(input({ peak: QUOTA_PEAK, pricing })).model).toBe("glm-5")
  })
})

describe("recommendModel, quality", () => {
  const q = (over: Partial<SelectionInput>): SelectionInput => input({ policy: "quality", ...over })

  it("1. plan unknown → glm-4.7", () => {
    expect(recommendModel(q({ plan: null }))).toEqual(LIGHT(expect.stringContaining("plan unknown")))
  })

  it("2. Lite → glm-4.7", () => {
    expect(recommendModel(q({ plan: "lite" }))).toEqual(LIGHT(expect.stringContaining("Lite plan")))
  })

  it("window ≥ 95 % → glm-4.7", () => {
    const r = recommendModel(q({ windows: [window("weekly", 96)] }))
    expect(r).toEqual(LIGHT("weekly window 96 % used: save quota with a GLM-4.7-class model"))
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
    expect(recommendModel(q({}))).toEqual(
      HEAVY(expect.stringContaining("off-peak and quota to spare: GLM-5-class on the Pro plan")),
    )
  })
})

describe("recommendModel, economy", () => {
  const e = (over: Partial<SelectionInput>): SelectionInput => input({ policy: "economy", ...over })

  it("1. plan unknown → glm-4.7", () => {
    expect(recommendModel(e({ plan: null }))).toEqual(LIGHT(expect.stringContaining("plan unknown")))
  })

  it("2. Lite → glm-4.7", () => {
    expect(recommendModel(e({ plan: "lite" }))).toEqual(LIGHT(expect.stringContaining("Lite plan")))
  })

  it("window ≥ 50 % → glm-4.7", () => {
    const r = recommendModel(e({ windows: [window("five_hour", 50), window("weekly", 10)] }))
    expect(r).toEqual(LIGHT("5-hour window 50 % used: save quota with a GLM-4.7-class model"))
  })

  it("quota peak → glm-4.7 with the cost", () => {
    const r = recommendModel(e({ peak: QUOTA_PEAK }))
    expect(r).toEqual(LIGHT("peak hours until 18:00 Beijing time: GLM-5-class models cost 3× quota (1× off-peak)"))
  })

  it("any peak, even throttle-only → glm-4.7", () => {
    const r = recommendModel(e({ peak: THROTTLE_ONLY }))
    expect(r.model).toBe("glm-4.7")
    expect(r.reason).toContain("peak hours until 18:00 Beijing time")
    expect(r.reason).toContain("economy")
  })

  it("off-peak with quota to spare → glm-5", () => {
    expect(recommendModel(e({}))).toEqual(
      HEAVY(expect.stringContaining("off-peak and quota to spare: GLM-5-class on the Pro plan")),
    )
  })
})

describe("isGlm5Class", () => {
  it.each([
    "glm-5",
    "GLM-5",
    "glm-5.1",
    "glm-5-turbo",
    "zai-coding-plan/glm-5",
    "glm-5.2[1m]",
    "zhipuai/GLM-5.1-air",
    "glm-5.3-highspeed",
    "glm-5.4",
  ])("%s → true", (id) => {
    expect(isGlm5Class(id)).toBe(true)
  })
  it.each([
    "glm-4.7",
    "glm-4.5-air",
    "glm-50x",
    "glm-50",
    "glm-5x",
    "glm5",
    "xglm-5",
    "",
    "gpt-5",
    "glm-5.3-flash",
    "zai-coding-plan/glm-5.3-flash",
  ])("%s → false", (id) => {
    expect(isGlm5Class(id)).toBe(false)
  })
})
