import { describe, expect, it } from "vitest"
import { parseUsageHistory } from "../../src/zai/client.ts"

describe("usage history shapes", () => {
  it("modelCallCount/tokensUsage with null slots and totals", () => {
    const h = parseUsageHistory(
      {
        x_time: ["2026-08-02 08:00", "2026-08-02 09:00"],
        modelCallCount: [12, null],
        tokensUsage: [345678, null],
        totalUsage: { totalModelCallCount: 1234, totalTokensUsage: 12500000 },
      },
      {
        x_time: ["2026-08-02 08:00", "2026-08-02 09:00"],
        networkSearchCount: [1, null],
        webReadMcpCount: [0, 2],
        zreadMcpCount: [null, 0],
        totalUsage: { totalNetworkSearchCount: 5678, totalWebReadMcpCount: 2345, totalZreadMcpCount: 890 },
      },
    )
    expect(h.modelCalls).toEqual([12, null])
    expect(h.totals).toEqual({ modelCalls: 1234, tokens: 12500000, search: 5678, webRead: 2345, zread: 890 })
    expect(h.tools.zread).toEqual([null, 0])
  })

  it("modelDataList per model; totals summed when absent", () => {
    const h = parseUsageHistory(
      {
        x_time: ["2026-08-02 08:00", "2026-08-02 09:00"],
        modelDataList: [
          { modelName: "glm-4.7", tokensUsage: [100, null] },
          { modelName: "glm-5", tokensUsage: [50, 25] },
        ],
      },
      null,
    )
    expect(h.perModel).toEqual([
      { model: "glm-4.7", tokens: [100, null] },
      { model: "glm-5", tokens: [50, 25] },
    ])
    expect(h.tokens).toEqual([150, 25])
    expect(h.totals.tokens).toBe(175)
    expect(h.totals.search).toBeNull()
  })

  it("empty x_time", () => {
    const h = parseUsageHistory({ x_time: [] }, { x_time: [] })
    expect(h.hours).toEqual([])
    expect(h.totals.modelCalls).toBeNull()
  })
})
