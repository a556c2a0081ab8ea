// Apply mode's decision per message (src/opencode/apply.ts, apply-session.ts) and one toast per moment
// (core/warnings.ts combineWarnings). Pure: reports built by the core for a Saturday and a weekday peak, the lists as
// OpenCode 1.18.33 ships zai-coding-plan.
import { describe, expect, it } from "vitest"
import { DEFAULT_PEAK_SCHEDULE } from "../../src/core/time/peak.ts"
import { buildReport, type Report } from "../../src/core/report/report.ts"
import { twoClocks } from "../../src/core/render/view.ts"
import { combineWarnings, type Warning } from "../../src/core/report/warnings.ts"
import { decideModel } from "../../src/opencode/apply.ts"
import { MessageApplier } from "../../src/opencode/apply-session.ts"

const LISTS = {
  "zai-coding-plan": ["glm-4.7", "glm-5-turbo", "glm-5.2", "glm-5.2-highspeed", "glm-5.3", "glm-5.3-flash"],
}
const SATURDAY = new Date("2026-11-28T04:00:00Z") // 12:00 Beijing, off-peak
const PEAK = new Date("2026-11-30T07:30:00Z") // Monday 15:30 Beijing, quota peak until 18:00
const report = (now: Date, fiveHour = 20): Report =>
  buildReport(
    {
      plan: "pro",
      planLabel: null,
      region: "international",
      fetchedAt: now.toISOString(),
      windows: [
        {
          kind: "five_hour",
          meter: "credits",
          usedPercent: fiveHour,
          used: fiveHour * 120,
          limit: 12_000,
          remaining: 12_000 - fiveHour * 120,
          resetsAt: new Date(now.getTime() + 3_600_000).toISOString(),
        },
      ],
    },
    { now, stale: false, schedule: DEFAULT_PEAK_SCHEDULE, models: LISTS["zai-coding-plan"] },
  )
const clocks = (now: Date) => ({ twoClocks: (iso: string) => twoClocks(iso, "Asia/Shanghai", "UTC", now) })
const msg = (modelID: string) => ({ model: { providerID: "zai-coding-plan", modelID } })

describe("decideModel", () => {
  const defaults = new Set(["zai-coding-plan/glm-4.7"])
  it("a message on a default model goes to the model for now: heavy off-peak, light at the quota peak", () => {
    const off = decideModel({ model: msg("glm-4.7").model, defaults, report: report(SATURDAY), lists: LISTS })
    expect(off).toMatchObject({ kind: "use", model: { providerID: "zai-coding-plan", modelID: "glm-5.3" } })
    const peak = decideModel({ model: msg("glm-4.7").model, defaults, report: report(PEAK), lists: LISTS })
    expect(peak).toMatchObject({ kind: "use", model: { modelID: "glm-5.3-flash" } })
  })
  it("a message on any other model is the user's pick", () => {
    expect(decideModel({ model: msg("glm-5.2").model, defaults, report: report(PEAK), lists: LISTS }).kind).toBe("user")
  })
  it("nothing without a reading or a list; kept (and why) when the provider lists no such id", () => {
    expect(decideModel({ model: msg("glm-4.7").model, defaults, report: null, lists: LISTS }).kind).toBe("none")
    expect(decideModel({ model: msg("glm-4.7").model, defaults, report: report(PEAK), lists: null }).kind).toBe("none")
    const kept = decideModel({
      model: msg("glm-4.7").model,
      defaults,
      report: report(PEAK),
      lists: { "zai-coding-plan": ["kimi-k2", "glm-4.7"] },
    })
    expect(kept).toEqual({
      kind: "kept",
      why: "zai-coding-plan does not list glm-5.3-flash, so the model stays zai-coding-plan/glm-4.7",
    })
  })
})

describe("MessageApplier: a session through a Saturday, a peak, and the user's own pick", () => {
  it("switches from the first prompt, follows the peak, says each switch once, then leaves a picked model alone", () => {
    const a = new MessageApplier()
    a.addDefault("zai-coding-plan/glm-4.7")
    const first = msg("glm-4.7")
    const one = a.onMessage("s", first, report(SATURDAY), LISTS, clocks(SATURDAY))
    expect(first.model.modelID).toBe("glm-5.3")
    expect(one.warning?.message).toMatch(/^Switched to glm-5\.3: off-peak and quota to spare/)
    // The TUI sends the model of the session's last message next: no switch, nothing said.
    const second = msg("glm-5.3")
    expect(a.onMessage("s", second, report(SATURDAY), LISTS, clocks(SATURDAY)).warning).toBeNull()
    expect(second.model.modelID).toBe("glm-5.3")
    // Mid-session, the quota peak begins: the next prompt goes to the light id, said once.
    const third = msg("glm-5.3")
    const peak = a.onMessage("s", third, report(PEAK), LISTS, clocks(PEAK))
    expect(third.model.modelID).toBe("glm-5.3-flash")
    expect(peak.warning?.title).toBe("GLM model: switched to glm-5.3-flash")
    expect(peak.warning?.message).toBe(
      "Switched to glm-5.3-flash for the peak until 18:00 Beijing time (10:00 your time); pick a model (/models) to keep yours.",
    )
    expect(a.onMessage("s", msg("glm-5.3-flash"), report(PEAK), LISTS, clocks(PEAK)).warning).toBeNull()
    // The user picks glm-5.2: kept, at the peak and after it.
    const picked = msg("glm-5.2")
    expect(a.onMessage("s", picked, report(PEAK), LISTS, clocks(PEAK)).log).toMatch(/picked by the user/)
    expect(picked.model.modelID).toBe("glm-5.2")
    const later = msg("glm-4.7")
    expect(a.onMessage("s", later, report(SATURDAY), LISTS, clocks(SATURDAY))).toEqual({
      warning: null,
      log: null,
      kept: null,
    })
    expect(later.model.modelID).toBe("glm-4.7")
  })
})

describe("combineWarnings: one toast per moment", () => {
  const peak: Warning = { key: "p", title: "GLM peak hours", message: "Peak hours until 18:00.", variant: "warning" }
  const model: Warning = {
    key: "m",
    title: "GLM model: switched to glm-5.3-flash",
    short: "switched to glm-5.3-flash",
    message: "Switched to glm-5.3-flash for the peak until 18:00; pick a model (/models) to keep yours.",
    addendum: "Switched to glm-5.3-flash until then; pick a model (/models) to keep yours.",
    variant: "info",
  }
  it("the most severe leads; the others join its title and its message; one alone is itself", () => {
    expect(combineWarnings([])).toBeNull()
    expect(combineWarnings([model])).toBe(model)
    expect(combineWarnings([model, peak])).toEqual({
      key: "p",
      title: "GLM peak hours: switched to glm-5.3-flash",
      message: "Peak hours until 18:00. Switched to glm-5.3-flash until then; pick a model (/models) to keep yours.",
      variant: "warning",
    })
  })
})
