// GLM-5.4 (24 Nov 2026, every plan) in the dated catalog: recommended off-peak where the user's list has it; the
// long-context alias glm-5.4[1m] is read as glm-5.4 for its facts and never recommended as an OpenCode id.
import { describe, expect, it } from "vitest"
import { catalogModel, MODEL_CATALOG, pricingAt } from "../../src/core/plans/model-catalog.ts"
import { recommendModel } from "../../src/core/plans/choose-model.ts"
import { peakState } from "../../src/core/time/peak.ts"

const OFF = new Date("2026-12-01T05:30:00Z") // Tue 13:30 Beijing
const PEAK = new Date("2026-12-01T07:30:00Z") // Tue 15:30 Beijing

function pick(now: Date, listed: string[]) {
  const peak = peakState(now)
  const pricing = pricingAt({ generation: "credit", at: now.getTime(), quotaPeak: peak.periods.includes("quota") })
  return recommendModel({ plan: "lite", windows: [], peak, pricing, now, region: "international", listed })
}

describe("GLM-5.4", () => {
  it("is in the catalog, and its alias reads as it", () => {
    expect(catalogModel(MODEL_CATALOG, "glm-5.4")?.class).toBe("glm-5")
    expect(catalogModel(MODEL_CATALOG, "zai-coding-plan/glm-5.4[1m]")?.id).toBe("glm-5.4")
  })

  it("is recommended off-peak where the list has it, on every tier", () => {
    expect(pick(OFF, ["glm-5.3", "glm-5.4", "glm-5.3-flash"]).model).toBe("glm-5.4")
  })

  it("is not recommended at the credit peak under balanced when it costs more then", () => {
    // credit plans: 1× at peak against 0.5× off-peak — the light class at the peak
    expect(pick(PEAK, ["glm-5.4", "glm-5.3-flash"]).class).toBe("glm-4.7")
  })

  it("glm-5.4[1m] is never recommended: the listed base id is, or the next heavy id", () => {
    expect(pick(OFF, ["glm-5.4[1m]", "glm-5.4", "glm-5.3"]).model).toBe("glm-5.4")
    expect(pick(OFF, ["glm-5.4[1m]", "glm-5.3"]).model).toBe("glm-5.3")
    expect(pick(OFF, ["glm-5.4[1m]", "glm-4.7"]).model).toBe("glm-4.7")
  })
})
