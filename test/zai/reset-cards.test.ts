// Reset cards (customer-package-reset/list), read only: counted over real loopback HTTP beside the quota, Beijing
// wall-clock expiries turned into instants, and any failure of that endpoint a null that never costs the quota reading.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { beijingWallClockToIso } from "../../src/core/time/beijing.ts"
import { fetchResetCards, fetchSnapshot, parseResetCards, PATHS } from "../../src/zai/client.ts"
import type { RequestContext } from "../../src/zai/http.ts"
import { beijingWallClock, DEMO_STATE, startSimulator, type Simulator } from "../support/simulator.ts"
import type { FetchLike } from "../../src/core/types.ts"

// 18:00 in Beijing on 25 Nov 2026: the simulator's cards expire 10 days later, "2026-12-05 18:00:00".
const NOW = new Date("2026-11-25T10:00:00.000Z")
const now = () => NOW
const KEY = "k-reset-123456"

let sim: Simulator
beforeAll(async () => {
  sim = await startSimulator({ now })
})
afterAll(async () => {
  // Using a card is never this tool's business: not one request, in any test of this file, reached a `…/use` path.
  expect(sim.requests.filter((r) => /\/use\/?$/.test(r.path))).toEqual([])
  await sim.close()
})

const ctx = (over: Partial<RequestContext> = {}): RequestContext => ({
  key: KEY,
  region: "international",
  origin: sim.url,
  fetch,
  ...over,
})
const resetState = () => sim.set({ fault: null, resetCards: { ...DEMO_STATE.resetCards! }, keys: [] })

/** The simulator for every path but the reset-card list, which `answer` replaces (a host that misbehaves there only). */
function withCardsAnswer(answer: (init: RequestInit) => Promise<Response>): FetchLike {
  return (input, init) => (new URL(input).pathname === PATHS.resetCards ? answer(init) : fetch(input, init))
}
const body =
  (text: string, status = 200) =>
  () =>
    Promise.resolve(new Response(text, { status, headers: { "content-type": "application/json" } }))
const envelope = (data: unknown) => JSON.stringify({ code: 200, msg: "Operation successful", success: true, data })

describe("reset cards through the simulator", () => {
  it("are asked beside the quota, read only, with the monitor key, and land in the snapshot", async () => {
    resetState()
    const before = { quota: sim.count(PATHS.quota), cards: sim.count(PATHS.resetCards) }
    const res = await fetchSnapshot(ctx(), { now })
    expect(res.ok).toBe(true)
    if (!res.ok) return
    expect(res.value.windows.length).toBeGreaterThan(0)
    expect(res.value.resetCards).toEqual({
      fiveHour: { available: 1, nextExpiresAt: "2026-12-05T10:00:00.000Z" },
      weekly: { available: 0, nextExpiresAt: null },
      lastFiveHourResetAt: null,
      lastWeeklyResetAt: null,
    })
    expect(sim.count(PATHS.quota) - before.quota).toBe(1)
    expect(sim.count(PATHS.resetCards) - before.cards).toBe(1)
    const asked = sim.requests.filter((r) => r.path === PATHS.resetCards).at(-1)!
    expect(asked.query).toEqual({ targetType: "PERSONAL" })
    expect(asked.authorization).toBe(KEY)
  })

  it("counts every card of each kind", async () => {
    sim.set({ resetCards: { fiveHour: 3, week: 2 } })
    const cards = await fetchResetCards(ctx(), NOW)
    expect(cards?.fiveHour).toEqual({ available: 3, nextExpiresAt: "2026-12-05T10:00:00.000Z" })
    expect(cards?.weekly).toEqual({ available: 2, nextExpiresAt: "2026-12-05T10:00:00.000Z" })
    resetState()
  })

  it("cards expired at fetch time are not counted (the client's clock 11 days past the simulator's)", async () => {
    sim.set({ resetCards: { fiveHour: 2, week: 1 } })
    const later = new Date(NOW.getTime() + 11 * 86400_000)
    const cards = await fetchResetCards(ctx(), later)
    expect(cards).toEqual({
      fiveHour: { available: 0, nextExpiresAt: null },
      weekly: { available: 0, nextExpiresAt: null },
      lastFiveHourResetAt: null,
      lastWeeklyResetAt: null,
    })
    resetState()
  })

  it("a host without the endpoint (404): no cards reported, and the quota still reads", async () => {
    sim.set({ resetCards: null })
    const res = await fetchSnapshot(ctx(), { now })
    expect(res.ok).toBe(true)
    if (!res.ok) return
    expect(res.value.resetCards).toBeNull()
    expect(res.value.windows.find((w) => w.kind === "five_hour")?.usedPercent).toBe(DEMO_STATE.fiveHourPercent)
    resetState()
  })

  it("China envelope (no msg) reads the same", async () => {
    sim.set({ china: true })
    const cards = await fetchResetCards({ ...ctx(), region: "china" }, NOW)
    expect(cards?.fiveHour.available).toBe(1)
    sim.set({ china: false })
  })

  it("a failing quota reading is still the quota's error; the cards request is cancelled, not waited for", async () => {
    resetState()
    let cardsSignal: AbortSignal | undefined
    const hanging = withCardsAnswer((init) => {
      cardsSignal = init.signal ?? undefined
      return new Promise((_, reject) =>
        init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))),
      )
    })
    sim.set({
      fault: {
        kind: "answer",
        status: 200,
        body: JSON.stringify({ code: 401, msg: "token expired or incorrect", success: false }),
      },
    })
    const t0 = Date.now()
    const res = await fetchSnapshot(ctx({ fetch: hanging }), { now })
    expect(res.ok).toBe(false)
    if (!res.ok) expect(res.error.kind).toBe("auth")
    expect(cardsSignal?.aborted).toBe(true)
    expect(Date.now() - t0).toBeLessThan(2000)
    resetState()
  })
})

describe("a misbehaving reset-card endpoint never breaks the quota reading", () => {
  const cases: [string, FetchLike][] = [
    [
      "an error envelope in HTTP 200",
      withCardsAnswer(body(JSON.stringify({ code: 500, msg: "系统错误", success: false }))),
    ],
    [
      "an auth error envelope for this path only",
      withCardsAnswer(body(JSON.stringify({ code: 401, msg: "token expired or incorrect", success: false }))),
    ],
    ["HTTP 404 with an HTML page", withCardsAnswer(body("<html>Not Found</html>", 404))],
    ["HTTP 503", withCardsAnswer(body("", 503))],
    ["an empty body", withCardsAnswer(body(""))],
    ["not JSON", withCardsAnswer(body('{"code":200,"data":{"fiveHourRes'))],
    ["data a string", withCardsAnswer(body(envelope("cards")))],
    ["data an array", withCardsAnswer(body(envelope([1, 2, 3])))],
    ["data without either list", withCardsAnswer(body(envelope({ total: 3 })))],
    ["lists of the wrong type", withCardsAnswer(body(envelope({ fiveHourResets: "1", weekResets: { length: 2 } })))],
    ["a network failure", withCardsAnswer(() => Promise.reject(new TypeError("fetch failed")))],
  ]
  for (const [name, f] of cases) {
    it(name, async () => {
      resetState()
      const res = await fetchSnapshot(ctx({ fetch: f, sleep: () => Promise.resolve() }), { now })
      expect(res.ok).toBe(true)
      if (!res.ok) return
      expect(res.value.resetCards).toBeNull()
      expect(res.value.windows.find((w) => w.kind === "five_hour")).toBeDefined()
    })
  }

  it("a timeout: the cards give up on their own shorter budget, the quota is read", async () => {
    resetState()
    const hang = withCardsAnswer(
      (init) => new Promise((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason))),
    )
    const t0 = Date.now()
    const res = await fetchSnapshot(ctx({ fetch: hang, timeoutMs: 600 }), { now })
    expect(res.ok).toBe(true)
    if (res.ok) expect(res.value.resetCards).toBeNull()
    expect(Date.now() - t0).toBeLessThan(3000)
  })

  it("hostile cards: the readable ones are counted, the rest skipped, nothing throws", async () => {
    resetState()
    const hostile = {
      fiveHourResets: [
        null,
        7,
        "card",
        [],
        { available: "true", expireTime: "2026-12-01 00:00:00" },
        { available: true, expireTime: { toString: 1 } },
        { available: true, expireTime: "2026-02-30 10:00:00" },
        { available: true, expireTime: "2026-12-03 08:00:00", recordId: { nested: true }, extra: "kept" },
        { available: true, expireTime: 1e300 },
        { available: false, expireTime: "2026-11-26 00:00:00" },
        { available: true, expireTime: "2026-11-25 17:59:59" },
      ],
      weekResets: "none",
      lastFiveHourResetTime: "<script>",
      lastWeekResetTime: -5,
    }
    const res = await fetchSnapshot(ctx({ fetch: withCardsAnswer(body(envelope(hostile))) }), { now })
    expect(res.ok).toBe(true)
    if (!res.ok) return
    // Counted: the unreadable expiries (an object, 30 Feb, 1e300: undated) and 3 Dec; not: "true" as text, the
    // unavailable one, and the one that expired a second before now (17:59:59 Beijing).
    expect(res.value.resetCards).toEqual({
      fiveHour: { available: 4, nextExpiresAt: "2026-12-03T00:00:00.000Z" },
      weekly: { available: 0, nextExpiresAt: null },
      lastFiveHourResetAt: null,
      lastWeeklyResetAt: null,
    })
  })
})

describe("parseResetCards", () => {
  it("Beijing wall-clock expiries become instants; the earliest available one is next", () => {
    const cards = parseResetCards(
      {
        fiveHourResets: [
          { recordId: 1, expireTime: "2026-12-05 18:00:00", available: true },
          { recordId: 2, expireTime: "2026-11-30 09:15:00", available: true },
          { recordId: 3, expireTime: "2026-11-26 00:00:00", available: false },
          { recordId: 4, expireTime: "2026-11-20 00:00:00", available: true },
        ],
        weekResets: [{ recordId: 9, expireTime: "2027-01-01 00:00:00", available: true }],
        lastFiveHourResetTime: "2026-11-20 08:30:00",
        lastWeekResetTime: "2026-10-01 12:00:00",
        somethingNew: { ignored: true },
      },
      NOW,
    )
    expect(cards).toEqual({
      fiveHour: { available: 2, nextExpiresAt: "2026-11-30T01:15:00.000Z" },
      weekly: { available: 1, nextExpiresAt: "2026-12-31T16:00:00.000Z" },
      lastFiveHourResetAt: "2026-11-20T00:30:00.000Z",
      lastWeeklyResetAt: "2026-10-01T04:00:00.000Z",
    })
  })

  it("epochs (ms, s, numeric text) and ISO text with a zone are read as what they say; zone-less free text is not", () => {
    const at = Date.parse("2026-12-05T10:00:00.000Z")
    const cards = parseResetCards(
      {
        fiveHourResets: [{ available: true, expireTime: at }],
        weekResets: [{ available: true, expireTime: String(at / 1000) }],
        lastFiveHourResetTime: "2026-11-20T00:30:00Z",
        lastWeekResetTime: "Nov 20 2026 08:30",
      },
      NOW,
    )
    expect(cards?.fiveHour.nextExpiresAt).toBe("2026-12-05T10:00:00.000Z")
    expect(cards?.weekly.nextExpiresAt).toBe("2026-12-05T10:00:00.000Z")
    expect(cards?.lastFiveHourResetAt).toBe("2026-11-20T00:30:00.000Z")
    expect(cards?.lastWeeklyResetAt).toBeNull()
  })

  it("empty lists are zero cards (not null); no list at all, or not an object, is null", () => {
    expect(parseResetCards({ fiveHourResets: [], weekResets: [] }, NOW)).toEqual({
      fiveHour: { available: 0, nextExpiresAt: null },
      weekly: { available: 0, nextExpiresAt: null },
      lastFiveHourResetAt: null,
      lastWeeklyResetAt: null,
    })
    for (const v of [null, undefined, 0, "x", [], {}, { fiveHourResets: null }])
      expect(parseResetCards(v, NOW)).toBeNull()
  })
})

describe("beijingWallClockToIso", () => {
  it("reads Beijing time, with or without seconds, and refuses what names no real time", () => {
    expect(beijingWallClockToIso("2026-12-05 18:00:00")).toBe("2026-12-05T10:00:00.000Z")
    expect(beijingWallClockToIso(" 2026-12-05T18:00 ")).toBe("2026-12-05T10:00:00.000Z")
    expect(beijingWallClockToIso("2026-12-05")).toBe("2026-12-04T16:00:00.000Z")
    for (const bad of [
      "2026-02-30 10:00:00",
      "2026-13-01 00:00:00",
      "2026-12-05 24:00:00",
      "2026-12-05 18:60:00",
      "2026-12-05 18:00:00Z",
      "tomorrow",
      "",
    ]) {
      expect(beijingWallClockToIso(bad)).toBeNull()
    }
  })

  it("round-trips the simulator's own wall-clock text", () => {
    expect(beijingWallClock(Date.parse("2026-12-05T10:00:00.000Z"))).toBe("2026-12-05 18:00:00")
    expect(beijingWallClockToIso(beijingWallClock(NOW.getTime()))).toBe(NOW.toISOString())
  })
})

describe("the simulator never lets a card be used", () => {
  it("any …/use path answers 404, whatever the method and key, and is recorded", async () => {
    const s = await startSimulator({ now })
    try {
      for (const method of ["POST", "GET"]) {
        const res = await fetch(`${s.url}/api/biz/customer-package-reset/use`, {
          method,
          headers: { Authorization: KEY },
        })
        expect(res.status).toBe(404)
        await res.text()
      }
      expect(s.requests.filter((r) => r.path.endsWith("/use"))).toHaveLength(2)
      // The card is still there: nothing was used.
      const cards = await fetchResetCards({ key: KEY, region: "international", origin: s.url, fetch }, NOW)
      expect(cards?.fiveHour.available).toBe(1)
    } finally {
      await s.close()
    }
  })
})
