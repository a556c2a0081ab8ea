// Every schema era, read over a real loopback HTTP server into the right windows, plan, counters and resets.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { fetchSnapshot, PATHS } from "../../src/zai/client.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import type { QuotaSnapshot } from "../../src/core/types.ts"
import { fixture } from "../helpers.ts"

let sim: Simulator
beforeAll(async () => {
  sim = await startSimulator()
})
afterAll(() => sim.close())

const now = () => new Date("2026-03-02T07:30:00Z")

async function read(body: string, region: "international" | "china" = "international"): Promise<QuotaSnapshot> {
  sim.set({ fault: { kind: "answer", status: 200, body } })
  const res = await fetchSnapshot({ key: "k-123456", region, origin: sim.url, fetch }, { now })
  if (!res.ok) throw new Error(res.error.message)
  return res.value
}

const iso = (ms: number) => new Date(ms).toISOString()

describe("schema eras", () => {
  it("Jan 2026: one TOKENS_LIMIT with absolute counters, planName, MCP without nextResetTime", async () => {
    const s = await read(fixture("quota-jan.json"))
    expect(s.plan).toBe("pro")
    expect(s.planLabel).toBe("Pro")
    expect(s.windows.map((w) => w.kind)).toEqual(["five_hour", "mcp_monthly"])
    expect(s.windows[0]).toEqual({
      kind: "five_hour",
      meter: "tokens",
      usedPercent: 23,
      used: 9_200_000,
      limit: 40_000_000,
      remaining: 30_800_000,
      resetsAt: iso(1768212000000),
    })
    expect(s.windows[1]).toMatchObject({
      kind: "mcp_monthly",
      meter: "calls",
      used: 31,
      limit: 1000,
      remaining: 969,
      usedPercent: 3.1,
      resetsAt: null,
      tools: { "search-prime": 20, "web-reader": 11 },
    })
  })

  it("Feb 2026: percentage-only tokens window, counters stay null", async () => {
    const s = await read(fixture("quota-feb.json"))
    expect(s.plan).toBe("lite")
    expect(s.windows[0]).toEqual({
      kind: "five_hour",
      meter: "tokens",
      usedPercent: 64,
      used: null,
      limit: null,
      remaining: null,
      resetsAt: iso(1771000000000),
    })
    expect(s.windows[1]).toMatchObject({ kind: "mcp_monthly", limit: 100, used: 12, resetsAt: iso(1772500000000) })
  })

  it("late Feb 2026: weekly window and level, mapped by type and unit whatever the order", async () => {
    const s = await read(fixture("quota-weekly.json"))
    expect(s.plan).toBe("pro")
    expect(s.windows.map((w) => w.kind)).toEqual(["five_hour", "weekly", "mcp_monthly"])
    expect(s.windows[0]).toMatchObject({ usedPercent: 22, resetsAt: iso(1781448954156) })
    expect(s.windows[1]).toMatchObject({ kind: "weekly", usedPercent: 25, used: null, resetsAt: iso(1781779923998) })
    expect(s.windows[2]).toMatchObject({
      used: 147,
      limit: 1000,
      remaining: 853,
      usedPercent: 14.7,
      tools: { "search-prime": 84, "web-reader": 41, zread: 8 },
    })
  })

  it("from 30 Jul 2026: CREDIT_LIMIT windows with credits, used beyond the cap kept as sent (100 %)", async () => {
    const s = await read(fixture("quota-credit.json"))
    expect(s.plan).toBe("max")
    expect(s.windows[0]).toEqual({
      kind: "five_hour",
      meter: "credits",
      usedPercent: 100,
      used: 30100,
      limit: 28000,
      remaining: 0,
      resetsAt: iso(1786000000000),
    })
    expect(s.windows[1]).toMatchObject({
      kind: "weekly",
      meter: "credits",
      used: 51800,
      limit: 140000,
      remaining: 88200,
      usedPercent: 37,
    })
    // 1 of 4,000 calls: the API rounds up to 1 %, the counters say 0.025 %, shown to one decimal as 0.
    expect(s.windows[2]).toMatchObject({ kind: "mcp_monthly", limit: 4000, usedPercent: 0 })
    expect(s.windows[2]!.tools).toBeUndefined()
  })

  it("China envelope without msg, weekly with number 7", async () => {
    const s = await read(fixture("quota-china.json"), "china")
    expect(s.region).toBe("china")
    expect(s.plan).toBe("lite")
    expect(s.windows.map((w) => [w.kind, w.usedPercent])).toEqual([
      ["five_hour", 8],
      ["weekly", 3],
      ["mcp_monthly", 0],
    ])
  })

  it("unknown types and units are kept as `other`, never dropped, never fatal", async () => {
    const s = await read(fixture("quota-unknown.json"))
    expect(s.windows.map((w) => w.kind)).toEqual(["five_hour", "other", "other", "other", "other", "other"])
    const others = s.windows.filter((w) => w.kind === "other")
    expect(others[0]).toMatchObject({ type: "TOKENS_LIMIT", unit: 1, number: 1, usedPercent: 9 })
    expect(others[1]).toMatchObject({ type: "TOKENS_LIMIT", unit: 4, number: 2, usedPercent: null, resetsAt: null })
    expect(others[2]).toMatchObject({
      type: "VISION_LIMIT",
      meter: "tokens",
      used: 5,
      limit: 50,
      remaining: 45,
      usedPercent: 10,
    })
    expect(others[3]).toMatchObject({ type: "UNREADABLE", note: expect.stringContaining("could not be read") })
    expect(others[4]).toMatchObject({ type: "UNREADABLE" })
  })

  it("plan unknown in the quota answer: the subscription list names it (international only)", async () => {
    const s = await read(fixture("quota-unknown.json"))
    expect(sim.count(PATHS.subscription)).toBeGreaterThan(0)
    expect(s.plan).toBe("pro")
    expect(s.subscription?.productName).toBe("GLM Coding Pro")
  })

  it("the simulator's own eras read back into the same figures", async () => {
    for (const era of ["jan", "feb", "weekly", "credit"] as const) {
      sim.set({ fault: null, era, plan: "max", fiveHourPercent: 44, weeklyPercent: 12 })
      const res = await fetchSnapshot({ key: "k-123456", region: "international", origin: sim.url, fetch }, { now })
      expect(res.ok).toBe(true)
      if (!res.ok) continue
      expect(res.value.plan).toBe("max")
      expect(res.value.windows.find((w) => w.kind === "five_hour")?.usedPercent).toBe(44)
      if (era === "weekly" || era === "credit")
        expect(res.value.windows.find((w) => w.kind === "weekly")?.usedPercent).toBe(12)
      expect(res.value.windows.find((w) => w.kind === "mcp_monthly")?.limit).toBe(4000)
    }
  })

  it("usage history: both model-usage shapes and tool usage, times asked in Beijing time", async () => {
    sim.set({ fault: null, era: "weekly", plan: "pro" })
    const res = await fetchSnapshot(
      { key: "k-123456", region: "international", origin: sim.url, fetch },
      { now, history: true },
    )
    expect(res.ok).toBe(true)
    if (!res.ok) return
    expect(res.value.usage?.hours).toHaveLength(24)
    expect(res.value.usage?.totals.modelCalls).toBeGreaterThan(0)
    const q = sim.requests.filter((r) => r.path === PATHS.modelUsage).at(-1)!.query
    // 07:30 UTC is 15:30 in Beijing: yesterday 15:00:00 to today 15:59:59.
    expect(q).toEqual({ startTime: "2026-03-01 15:00:00", endTime: "2026-03-02 15:59:59" })
  })

  it("the raw key is sent as Authorization, with no Bearer", async () => {
    sim.set({ fault: null })
    await fetchSnapshot({ key: "k-123456", region: "international", origin: sim.url, fetch }, { now })
    expect(sim.requests.at(-1)!.authorization).toBe("k-123456")
  })
})
