// The credit formula over a turn's calls, the phase factors, MCP calls, unknown and learned multipliers, overrides.
// Every expected figure is worked out by hand from the published multipliers (credit-catalog.ts).
import { describe, expect, it } from "vitest"
import { MODEL_CATALOG } from "../../src/core/plans/model-catalog.ts"
import { parseModels } from "../../src/core/plans/choose-model.ts"
import { learnRates } from "../../src/core/record/learn.ts"
import type { TurnEvent } from "../../src/core/record/records.ts"
import { turnCost } from "../../src/core/record/turn-cost.ts"

describe("turnCost", () => {
  it("GLM-5.3: (input × 6.9 + cached × 1.7 + output × 24) / 10,000 at peak, half off-peak", () => {
    // (12,000 × 6.9 + 30,000 × 1.7 + 2,000 × 24) / 10,000 = (82,800 + 51,000 + 48,000) / 10,000 = 18.18
    const calls = [{ model: "glm-5.3", input: 12_000, cacheRead: 30_000, output: 2_000 }]
    expect(turnCost(calls, MODEL_CATALOG, "peak").credits).toBe(18.18)
    expect(turnCost(calls, MODEL_CATALOG, "offPeak").credits).toBe(9.09)
  })

  it("sums every call (subagents' too), each at its own phase, plus MCP calls at 1.2", () => {
    const calls = [
      { model: "zai-coding-plan/glm-5.3-flash", input: 10_000, cacheRead: 0, output: 1_000 }, // 2.3 + 0.8 = 3.1
      { model: "glm-4.7", input: 0, cacheRead: 10_000, output: 10_000, phase: "offPeak" as const }, // (1.2+16)/2 = 8.6
    ]
    const c = turnCost(calls, MODEL_CATALOG, "peak", { mcpCalls: 2 })
    expect(c.credits).toBe(14.1) // 3.1 + 8.6 + 2.4
    expect(c.atPeak).toBe(22.7) // 3.1 + 17.2 + 2.4
    expect(c.atOffPeak).toBe(11.35)
    expect(c.tokens).toEqual({ input: 10_000, cacheRead: 10_000, output: 11_000 })
  })

  it("GLM-5.4 and its alias glm-5.4[1m]: unknown, never guessed", () => {
    const c = turnCost([{ model: "glm-5.4[1m]", input: 1000, cacheRead: 0, output: 100 }], MODEL_CATALOG, "peak")
    expect(c.credits).toBeNull()
    expect(c.unknown).toEqual(["glm-5.4"])
  })

  it("overrides: GLM-5.4's multipliers once published, the MCP price and the off-peak factor", () => {
    const m = parseModels({
      credits: { rates: [{ id: "glm-5.4", input: 10, cached: 2, output: 30 }], mcpCall: 2, offPeakFactor: 0.25 },
    })
    expect(m.problems).toEqual([])
    const c = turnCost([{ model: "glm-5.4", input: 10_000, cacheRead: 0, output: 1_000 }], m.catalog, "offPeak", {
      mcpCalls: 1,
    })
    expect(c.credits).toBe(3.75) // ((100,000 + 30,000) / 10,000 + 2 MCP) × 0.25 = (13 + 2) × 0.25
  })

  it("an unusable override is named", () => {
    expect(parseModels({ credits: { rates: [{ id: "glm-5.4", input: "x" }] } }).problems).toEqual([
      "models.credits.rates[0]: input, cached and output must be numbers (credits per 10,000 tokens)",
    ])
  })
})

describe("learnRates", () => {
  const turn = (over: Partial<TurnEvent>): TurnEvent => ({
    t: Date.parse("2026-12-01T05:30:00Z"),
    kind: "turn",
    id: String(Math.random()),
    session: "s",
    model: "glm-5.4",
    single: true,
    startedAt: Date.parse("2026-12-01T05:29:00Z"),
    phase: "peak",
    calls: 2,
    input: 10_000,
    cacheRead: 0,
    output: 1_000,
    mcp: 0,
    credits: null,
    delta: 14,
    shared: false,
    ...over,
  })

  it("fits GLM-5.4 in GLM-5.3's proportions from clean turns only, and says from how many", () => {
    // GLM-5.3 would cost (69,000 + 24,000) / 10,000 = 9.3 at 1×; two clean turns moved 14 (peak) and 7 (off-peak → 14
    // at 1×): k = 28 / 18.6; a shared turn and a two-model turn are left out.
    const learned = learnRates(
      [
        turn({}),
        turn({ phase: "offPeak", delta: 7 }),
        turn({ shared: true, delta: 100 }),
        turn({ single: false, delta: 100 }),
      ],
      MODEL_CATALOG,
    )
    const k = 28 / 18.6
    expect(learned).toEqual([
      {
        model: "glm-5.4",
        turns: 2,
        rates: {
          input: Math.round(6.9 * k * 100) / 100,
          cached: Math.round(1.7 * k * 100) / 100,
          output: Math.round(24 * k * 100) / 100,
        },
      },
    ])
  })

  it("never for a model with published multipliers", () => {
    expect(learnRates([turn({ model: "glm-5.3" })], MODEL_CATALOG)).toEqual([])
  })
})
