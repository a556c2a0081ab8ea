// The dated model catalog: what each tier has on a given day, what each class costs, and the pick from a real list.
import { describe, expect, it } from "vitest"
import { classOf, MODEL_CATALOG, pricingAt, servedBy, tierHasClass } from "../../src/core/plans/model-catalog.ts"
import { recommendModel, type SelectionInput } from "../../src/core/plans/choose-model.ts"
import { peakState } from "../../src/core/time/peak.ts"
import { buildReport } from "../../src/core/report/report.ts"
import type { PlanId, QuotaSnapshot, QuotaWindow, Region } from "../../src/core/types.ts"
import { withModelOverrides } from "../../src/core/plans/model-overrides.ts"

// What `opencode models <provider>` lists in opencode 1.18.33 (its bundled catalog), checked in the real binary by
// test/e2e/apply.e2e.test.ts.
const ZAI_LIST = [
  "glm-4.7",
  "glm-5-turbo",
  "glm-5.2",
  "glm-5.2-highspeed",
  "glm-5.3",
  "glm-5.3-flash",
  "glm-5.3-highspeed",
]
const ZHIPU_LIST = ["glm-4.6v", "glm-5.3", "glm-5.3-flash", "glm-5.3-highspeed"]

const at = (iso: string) => new Date(iso)
// Saturdays (off-peak all day) and a weekday 15:30 Beijing (quota and throttle peak), per month of 2026.
const DAYS = {
  feb: { off: "2026-02-21T04:00:00Z", peak: "2026-02-23T07:30:00Z" },
  apr: { off: "2026-04-18T04:00:00Z", peak: "2026-04-20T07:30:00Z" },
  sep: { off: "2026-09-19T04:00:00Z", peak: "2026-09-21T07:30:00Z" },
  nov: { off: "2026-11-28T04:00:00Z", peak: "2026-11-30T07:30:00Z" },
} as const

const win = (kind: QuotaWindow["kind"], usedPercent: number, meter: QuotaWindow["meter"] = "tokens"): QuotaWindow => ({
  kind,
  meter,
  usedPercent,
  used: null,
  limit: null,
  remaining: null,
  resetsAt: null,
})

function snapshot(
  plan: PlanId | null,
  when: string,
  meter: QuotaWindow["meter"] = "tokens",
  region: Region = "international",
): QuotaSnapshot {
  return {
    plan,
    planLabel: plan,
    region,
    fetchedAt: when,
    windows: [win("five_hour", 20, meter), win("weekly", 30, meter)],
  }
}

const pick = (
  plan: PlanId | null,
  when: string,
  models?: string[] | null,
  region: Region = "international",
  meter: QuotaWindow["meter"] = "tokens",
) => buildReport(snapshot(plan, when, meter, region), { now: at(when), models }).recommendation

describe("the catalog by date, tier and class (no list: the catalog for the date)", () => {
  it.each([
    // [month, tier, off-peak pick, its class]
    ["feb", "lite", "glm-4.7", "glm-4.7"],
    ["feb", "pro", "glm-5", "glm-5"],
    ["feb", "max", "glm-5", "glm-5"],
    ["apr", "lite", "glm-5.1", "glm-5"],
    ["apr", "pro", "glm-5.1", "glm-5"],
    ["apr", "max", "glm-5.1", "glm-5"],
    ["sep", "lite", "glm-5.3", "glm-5"],
    ["sep", "pro", "glm-5.3", "glm-5"],
    ["sep", "max", "glm-5.3", "glm-5"],
    ["nov", "lite", "glm-5.4", "glm-5"],
    ["nov", "pro", "glm-5.4", "glm-5"],
    ["nov", "max", "glm-5.4", "glm-5"],
  ] as const)("%s, %s, off-peak → %s", (month, tier, model, cls) => {
    const r = pick(tier, DAYS[month].off)
    expect(r.model).toBe(model)
    expect(r.class).toBe(cls)
    expect(r.reason).toContain("from the model catalog for the date")
  })

  it.each([
    ["feb", "glm-4.7"],
    ["apr", "glm-4.7"],
    ["sep", "glm-5.3-flash"],
    ["nov", "glm-5.3-flash"],
  ] as const)("%s, at the quota peak → the light class, %s", (month, model) => {
    for (const tier of ["lite", "pro", "max"] as const) {
      const r = pick(
        tier,
        DAYS[month].peak,
        null,
        "international",
        month === "sep" || month === "nov" ? "credits" : "tokens",
      )
      expect(r).toMatchObject({ model, class: "glm-4.7" })
      if (month === "feb" && tier === "lite") expect(r.reason).toContain("the Lite plan has no GLM-5-class model")
      else expect(r.reason).toMatch(/^peak hours until 18:00 Beijing time: GLM-5-class models cost/)
    }
  })

  it("Lite in February has no GLM-5 class, and says so with the month", () => {
    const r = pick("lite", DAYS.feb.off)
    expect(r.reason).toContain("the Lite plan has no GLM-5-class model in Feb 2026")
    expect(tierHasClass(MODEL_CATALOG, "lite", "glm-5", "international", at(DAYS.feb.off).getTime())).toBe(false)
    expect(tierHasClass(MODEL_CATALOG, "lite", "glm-5", "international", at(DAYS.apr.off).getTime())).toBe(true)
  })
})

describe("the pick comes from the list the user has", () => {
  it("zai-coding-plan in November: glm-5.3 off-peak (5.4 is not listed), glm-5.3-flash at the peak", () => {
    expect(pick("pro", DAYS.nov.off, ZAI_LIST)).toMatchObject({ model: "glm-5.3", class: "glm-5" })
    expect(pick("pro", DAYS.nov.peak, ZAI_LIST, "international", "credits")).toMatchObject({
      model: "glm-5.3-flash",
      class: "glm-4.7",
    })
    expect(pick("lite", DAYS.nov.off, ZAI_LIST).model).toBe("glm-5.3")
  })

  it("zhipuai-coding-plan: never the vision model", () => {
    expect(pick("max", DAYS.nov.off, ZHIPU_LIST, "china").model).toBe("glm-5.3")
    expect(pick("max", DAYS.nov.peak, ZHIPU_LIST, "china", "credits").model).toBe("glm-5.3-flash")
  })

  it("every pick is on the list, whatever the plan, date and phase", () => {
    for (const list of [ZAI_LIST, ZHIPU_LIST]) {
      for (const day of Object.values(DAYS)) {
        for (const when of [day.off, day.peak]) {
          for (const tier of ["lite", "pro", "max", null] as const) expect(list).toContain(pick(tier, when, list).model)
        }
      }
    }
  })

  it("a March 2026 report gives March 2026's answer even from today's list: no GLM-5 class listed yet → glm-4.7", () => {
    const r = pick("pro", "2026-03-07T04:00:00Z", ZAI_LIST)
    expect(r.model).toBe("glm-4.7")
    expect(r.reason).toContain("no GLM-5-class model of the Pro plan is listed")
  })

  it("an id the catalog does not know counts by its name, after the known ones", () => {
    expect(pick("pro", DAYS.nov.off, ["glm-4.7", "glm-6-preview", "glm-5.9"]).model).toBe("glm-5.9")
    expect(classOf("glm-5.9-flash")).toBe("glm-4.7")
    expect(classOf("gpt-5")).toBe(null)
  })

  it("a list of one class only: the other class's best, and the reason says why", () => {
    const r = pick("pro", DAYS.nov.peak, ["glm-5.3", "glm-5.2"], "international", "credits")
    expect(r).toMatchObject({ model: "glm-5.3", class: "glm-5" })
    expect(r.reason).toContain("no GLM-4.7-class model is listed, so glm-5.3")
  })

  it("the China host's served-by swap is named in the reason", () => {
    const r = pick("pro", "2026-10-03T04:00:00Z", ["glm-4.7", "glm-5.1"], "china")
    expect(r.model).toBe("glm-5.1")
    expect(r.reason).toContain("the China host serves glm-5.1 calls with glm-5.3 since Sep 2026")
    expect(servedBy(MODEL_CATALOG, "glm-5.1", "international", at("2026-10-03T04:00:00Z").getTime())).toBe(null)
  })

  it("a preferred id wins within its class when listed, and is ignored when not", () => {
    expect(
      buildReport(snapshot("pro", DAYS.nov.off), {
        now: at(DAYS.nov.off),
        models: ZAI_LIST,
        prefer: { heavy: "glm-5.2" },
      }).recommendation.model,
    ).toBe("glm-5.2")
    expect(
      buildReport(snapshot("pro", DAYS.nov.off), {
        now: at(DAYS.nov.off),
        models: ZAI_LIST,
        prefer: { heavy: "glm-5.4" },
      }).recommendation.model,
    ).toBe("glm-5.3")
    expect(
      buildReport(snapshot("pro", DAYS.nov.peak, "credits"), {
        now: at(DAYS.nov.peak),
        models: ZAI_LIST,
        prefer: { light: "glm-4.7" },
      }).recommendation.model,
    ).toBe("glm-4.7")
  })
})

describe("what each class costs per phase and plan generation", () => {
  it.each([
    ["2026-03-02T07:30:00Z", "legacy", 3, 1],
    ["2026-04-15T07:30:00Z", "legacy", 3, 1],
    ["2026-07-15T07:30:00Z", "legacy", 3, 2],
    ["2026-09-15T07:30:00Z", "credit", 1, 0.5],
  ] as const)("%s, %s plan: GLM-5 class %s× at peak, %s× off-peak", (when, generation, peak, offPeak) => {
    const p = pricingAt({ generation, at: Date.parse(when), quotaPeak: true })
    expect(p["glm-5"]).toEqual({ peak, offPeak })
  })

  it("peak.glm5Multiplier and the peak reason state the multiplier in force for this plan now", () => {
    const legacy = buildReport(snapshot("pro", "2026-07-13T07:30:00Z"), { now: at("2026-07-13T07:30:00Z") })
    expect(legacy.peak.glm5Multiplier).toBe(3)
    expect(legacy.recommendation.reason).toContain("GLM-5-class models cost 3× quota (2× off-peak)")
    const credit = buildReport(snapshot("pro", DAYS.nov.peak, "credits"), { now: at(DAYS.nov.peak) })
    expect(credit.peak.glm5Multiplier).toBe(1)
    expect(credit.pricing?.generation).toBe("credit")
    expect(credit.recommendation.reason).toContain("GLM-5-class models cost 1× credits (0.5× off-peak)")
    const creditOff = buildReport(snapshot("pro", DAYS.nov.off, "credits"), { now: at(DAYS.nov.off) })
    expect(creditOff.peak.glm5Multiplier).toBe(0.5)
    expect(creditOff.recommendation.reason).toContain("GLM-5-class on the Pro plan at 0.5× credits now (1× at peak)")
  })

  it("a schedule that names its own multipliers wins over the catalog's", () => {
    const when = "2026-07-13T07:30:00Z"
    const schedule = {
      timeZone: "Asia/Shanghai",
      periods: [{ name: "quota", days: [1, 2, 3, 4, 5], start: "14:00", end: "18:00", glm5Multiplier: 5 }],
      offPeakGlm5Multiplier: 1,
    }
    const r = buildReport(snapshot("pro", when), { now: at(when), schedule })
    expect(r.peak.glm5Multiplier).toBe(5)
    expect(r.recommendation.reason).toContain("5× quota (1× off-peak)")
  })
})

describe("overrides", () => {
  it("a catalog entry adds an id; an unusable one is named", () => {
    const { catalog, problems } = withModelOverrides(MODEL_CATALOG, [
      { id: "glm-5.5", class: "glm-5", rank: 200 },
      { id: "x", class: "big" },
      "junk",
    ])
    expect(problems).toEqual(['catalog[1].class: use "glm-5" or "glm-4.7"', "catalog[2]: expected { id, class }"])
    const input: SelectionInput = {
      plan: "pro",
      windows: [],
      peak: peakState(at(DAYS.nov.off)),
      pricing: pricingAt({ generation: "credit", at: at(DAYS.nov.off).getTime(), quotaPeak: false }),
      now: at(DAYS.nov.off),
      region: "international",
      catalog,
    }
    expect(recommendModel(input).model).toBe("glm-5.5")
  })
})
