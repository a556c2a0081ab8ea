// Replays real, recorded quota/limit answers from other projects (test/fixtures/replay/, see its README) through the
// real client: a loopback simulator serves each recorded body, fetchQuota reads it. Every expected value below is
// written out by hand from the fixture — never computed by the code under test.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { QuotaWindow, Region } from "../../src/core/types.ts"
import { fetchQuota, parseQuotaData, type QuotaData } from "../../src/zai/client.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"

const DIR = join(import.meta.dirname, "..", "fixtures", "replay")

interface Replay {
  origin: { repo: string; path: string; note: string }
  status?: number
  body?: unknown
  data?: unknown
}

function load(file: string): Replay {
  return JSON.parse(readFileSync(join(DIR, file), "utf8")) as Replay
}

let sim: Simulator
beforeAll(async () => {
  sim = await startSimulator({ now: () => new Date("2026-09-01T00:00:00Z") })
})
afterAll(() => sim.close())

/** What the project makes of a fixture: fetchQuota over the simulator for a body, parseQuotaData for data only. */
async function replay(file: string, region: Region) {
  const fx = load(file)
  if (fx.body === undefined) return parseQuotaData(fx.data)
  sim.set({ fault: { kind: "answer", status: fx.status ?? 200, body: JSON.stringify(fx.body) } })
  return fetchQuota({ key: "k", region, origin: sim.url, fetch: globalThis.fetch })
}

async function quota(file: string, region: Region): Promise<QuotaData> {
  const res = await replay(file, region)
  if (!res.ok) throw new Error(`${file}: expected quota data, got ${res.error.kind}: ${res.error.message}`)
  return res.value
}

/** Everything a window says except usedPercent (asserted apart: its rule is changing). */
type Shape = Pick<QuotaWindow, "kind" | "meter" | "used" | "limit" | "remaining" | "resetsAt"> & {
  tools?: Record<string, number>
}

function shape(w: QuotaWindow): Shape {
  return {
    kind: w.kind,
    meter: w.meter,
    used: w.used,
    limit: w.limit,
    remaining: w.remaining,
    resetsAt: w.resetsAt,
    tools: w.tools,
  }
}

interface Case {
  file: string
  region: Region
  plan: "lite" | "pro" | "max" | null
  planLabel: string | null
  windows: Shape[]
  /**
   * The rule being adopted: both currentValue and usage (cap > 0) → round(currentValue / usage × 100, 1 decimal),
   * clamped 0–100; else percentage clamped 0–100; else null. One value per window, in the same order.
   */
  usedPercent: (number | null)[]
}

const CASES: Case[] = [
  {
    file: "01-syntrack-zai-feb06-absolute-tokens.json",
    region: "international",
    plan: null,
    planLabel: null,
    windows: [
      // currentValue 200,112,618 over a cap of 200,000,000: kept as sent.
      {
        kind: "five_hour",
        meter: "tokens",
        used: 200112618,
        limit: 200000000,
        remaining: 0,
        resetsAt: "2026-02-06T17:19:45.482Z",
      },
      {
        kind: "mcp_monthly",
        meter: "calls",
        used: 19,
        limit: 1000,
        remaining: 981,
        resetsAt: null,
        tools: { "search-prime": 16, "web-reader": 39, zread: 79 },
      },
    ],
    // 200112618 / 200000000 = 100.056 % → clamped to 100; 19 / 1000 = 1.9 %.
    usedPercent: [100, 1.9],
  },
  {
    file: "02-glm-plan-usage-china-feb-absolute-tokens.json",
    region: "china",
    plan: null,
    planLabel: null,
    windows: [
      {
        kind: "five_hour",
        meter: "tokens",
        used: 13050812,
        limit: 40000000,
        remaining: 26949188,
        resetsAt: "2026-02-08T15:38:09.893Z",
      },
      {
        kind: "mcp_monthly",
        meter: "calls",
        used: 20,
        limit: 100,
        remaining: 80,
        resetsAt: null,
        tools: { "search-prime": 62, "web-reader": 30, zread: 0 },
      },
    ],
    // 13050812 / 40000000 = 32.627 % → 32.6; 20 / 100 = 20 %.
    usedPercent: [32.6, 20],
  },
  {
    file: "03-glm-plan-usage-china-feb14-percentage-only.json",
    region: "china",
    plan: "lite",
    planLabel: "lite",
    windows: [
      {
        kind: "five_hour",
        meter: "tokens",
        used: null,
        limit: null,
        remaining: null,
        resetsAt: "2026-02-14T12:55:38.808Z",
      },
      {
        kind: "mcp_monthly",
        meter: "calls",
        used: 28,
        limit: 100,
        remaining: 72,
        resetsAt: "2026-03-04T09:16:05.983Z",
        tools: { "search-prime": 67, "web-reader": 33, zread: 0 },
      },
    ],
    // percentage 1 (no counters); 28 / 100 = 28 %.
    usedPercent: [1, 28],
  },
  {
    file: "04-rust-adapter-china-sep16-legacy-v2.json",
    region: "china",
    plan: "pro",
    planLabel: "pro",
    windows: [
      {
        kind: "five_hour",
        meter: "tokens",
        used: null,
        limit: null,
        remaining: null,
        resetsAt: "2026-09-16T12:44:36.650Z",
      },
      {
        kind: "weekly",
        meter: "tokens",
        used: null,
        limit: null,
        remaining: null,
        resetsAt: "2026-09-18T07:22:08.992Z",
      },
      {
        kind: "mcp_monthly",
        meter: "calls",
        used: 16,
        limit: 1000,
        remaining: 984,
        resetsAt: "2026-09-26T07:22:08.997Z",
      },
    ],
    // percentages 89 and 52; 16 / 1000 = 1.6 % (the API says 1).
    usedPercent: [89, 52, 1.6],
  },
  {
    file: "05-vscode-claude-status-credit-max.json",
    region: "international",
    plan: "max",
    planLabel: "max",
    windows: [
      {
        kind: "five_hour",
        meter: "credits",
        used: 16693,
        limit: 28000,
        remaining: 11306,
        resetsAt: "2026-09-18T10:47:01.115Z",
      },
      {
        kind: "weekly",
        meter: "credits",
        used: 47691,
        limit: 140000,
        remaining: 92308,
        resetsAt: "2026-09-22T07:30:51.984Z",
      },
    ],
    // 16693 / 28000 = 59.618 % → 59.6 (API: 59); 47691 / 140000 = 34.065 % → 34.1 (API: 34).
    usedPercent: [59.6, 34.1],
  },
  {
    file: "06-vscode-claude-status-token-max-idle-5h.json",
    region: "international",
    plan: "max",
    planLabel: "max",
    windows: [
      // Idle 5-hour window: no nextResetTime, so no reset instant.
      { kind: "five_hour", meter: "tokens", used: null, limit: null, remaining: null, resetsAt: null },
      {
        kind: "weekly",
        meter: "tokens",
        used: null,
        limit: null,
        remaining: null,
        resetsAt: "2026-09-22T11:03:55.980Z",
      },
      // usageDetails was elided by the source ([…]) and is not in the fixture: no tools.
      {
        kind: "mcp_monthly",
        meter: "calls",
        used: 20,
        limit: 4000,
        remaining: 3980,
        resetsAt: "2026-09-28T11:03:55.997Z",
      },
    ],
    // percentages 0 and 100; 20 / 4000 = 0.5 % (API: 1).
    usedPercent: [0, 100, 0.5],
  },
  {
    file: "07-codexbar-2724-credit-lite-intl.json",
    region: "international",
    plan: "lite",
    planLabel: "lite",
    windows: [
      {
        kind: "five_hour",
        meter: "credits",
        used: 71,
        limit: 2000,
        remaining: 1929,
        resetsAt: "2026-08-07T03:39:06.574Z",
      },
      {
        kind: "weekly",
        meter: "credits",
        used: 71,
        limit: 10000,
        remaining: 9929,
        resetsAt: "2026-08-13T22:34:46.998Z",
      },
    ],
    // 71 / 2000 = 3.55 % → 3.6 (API: 3); 71 / 10000 = 0.71 % → 0.7 (API: 1).
    usedPercent: [3.6, 0.7],
  },
  {
    file: "08-paseo-5057-credit-pro-intl.json",
    region: "international",
    plan: "pro",
    planLabel: "pro",
    windows: [
      {
        kind: "five_hour",
        meter: "credits",
        used: 402,
        limit: 12000,
        remaining: 11615,
        resetsAt: "2026-09-18T18:57:34.621Z",
      },
      {
        kind: "weekly",
        meter: "credits",
        used: 1226,
        limit: 60000,
        remaining: 58791,
        resetsAt: "2026-09-25T07:40:46.980Z",
      },
    ],
    // 402 / 12000 = 3.35 % → 3.4 (API: 3); 1226 / 60000 = 2.043 % → 2 (API: 2).
    usedPercent: [3.4, 2],
  },
  {
    file: "09-opencode-bar-150-credit-lite-china-data.json",
    region: "china",
    plan: "lite",
    planLabel: "lite",
    windows: [
      {
        kind: "five_hour",
        meter: "credits",
        used: 27,
        limit: 2000,
        remaining: 1972,
        resetsAt: "2026-08-14T14:17:36.698Z",
      },
      {
        kind: "weekly",
        meter: "credits",
        used: 27,
        limit: 10000,
        remaining: 9972,
        resetsAt: "2026-08-21T08:42:57.997Z",
      },
    ],
    // 27 / 2000 = 1.35 % → 1.4 (API: 1); 27 / 10000 = 0.27 % → 0.3 (API: 1).
    usedPercent: [1.4, 0.3],
  },
  {
    file: "10-omniroute-11378-credit-max-intl.json",
    region: "international",
    plan: "max",
    planLabel: "max",
    windows: [
      {
        kind: "five_hour",
        meter: "credits",
        used: 3341,
        limit: 28000,
        remaining: 24658,
        resetsAt: "2026-08-24T09:20:32.239Z",
      },
      {
        kind: "weekly",
        meter: "credits",
        used: 25224,
        limit: 140000,
        remaining: 114775,
        resetsAt: "2026-08-30T08:08:47.998Z",
      },
    ],
    // 3341 / 28000 = 11.932 % → 11.9 (API: 11); 25224 / 140000 = 18.017 % → 18 (API: 18).
    usedPercent: [11.9, 18],
  },
  {
    file: "11-swift-hud-china-sep10-credit-max.json",
    region: "china",
    plan: "max",
    planLabel: "max",
    windows: [
      {
        kind: "five_hour",
        meter: "credits",
        used: 2934,
        limit: 28000,
        remaining: 25065,
        resetsAt: "2026-09-10T11:02:24.772Z",
      },
      {
        kind: "weekly",
        meter: "credits",
        used: 56345,
        limit: 140000,
        remaining: 83654,
        resetsAt: "2026-09-15T07:46:07.978Z",
      },
    ],
    // 2934 / 28000 = 10.479 % → 10.5 (API: 10); 56345 / 140000 = 40.246 % → 40.2 (API: 40).
    usedPercent: [10.5, 40.2],
  },
]

describe("replayed quota/limit answers: plan, windows, counters, resets, tools", () => {
  for (const c of CASES) {
    it(c.file, async () => {
      const q = await quota(c.file, c.region)
      expect(q.plan).toBe(c.plan)
      expect(q.planLabel).toBe(c.planLabel)
      expect(q.windows.map((w) => w.kind)).toEqual(c.windows.map((w) => w.kind))
      expect(q.windows.map(shape)).toEqual(c.windows)
    })
  }
})

describe("replayed quota/limit answers: usedPercent (exact counters first, then the API's percentage)", () => {
  for (const c of CASES) {
    it(c.file, async () => {
      const q = await quota(c.file, c.region)
      expect(q.windows.map((w) => w.usedPercent)).toEqual(c.usedPercent)
    })
  }
})

describe("replayed error envelopes", () => {
  it("12-syntrack-401-token-expired.json: code 401 inside HTTP 200 is an auth error", async () => {
    const res = await replay("12-syntrack-401-token-expired.json", "international")
    expect(res.ok).toBe(false)
    if (res.ok) return
    expect(res.error.kind).toBe("auth")
  })

  it("13-bigmodel-500-no-coding-plan.json: code 500 '当前用户不存在coding plan' is no_plan (pending kind)", async () => {
    const res = await replay("13-bigmodel-500-no-coding-plan.json", "china")
    expect(res.ok).toBe(false)
    if (res.ok) return
    expect(res.error.kind as string).toBe("no_plan")
  })
})
