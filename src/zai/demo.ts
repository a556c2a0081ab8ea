// The built-in demo of the Z.ai monitor API: the answers the real API gives (every schema era, the China envelope, the
// error shapes), made in memory from a small state. `npm run demo` reads them through `demoFetch` — no server, no
// port; the tests' loopback simulator (test/support/simulator.ts) serves the same answers over real HTTP.
import type { PlanId, FetchLike } from "../core/types.ts"
import { PATHS } from "./client.ts"
import { modelUsageData, toolUsageData } from "./demo-usage.ts"
import { MODELS_PATH } from "./models.ts"
import { decemberData, DECEMBER_ERAS, type DecemberEra } from "./demo-december.ts"

export type Era = "jan" | "feb" | "weekly" | "credit" | DecemberEra

/** What the demo API answers from: the plan, its era, how full each window is, the key it accepts. */
export interface DemoState {
  era: Era
  plan: PlanId
  /** China envelope: `msg` in Chinese or missing. */
  china: boolean
  fiveHourPercent: number
  weeklyPercent: number
  mcpUsed: number
  /** ms until the five-hour window resets. */
  fiveHourResetInMs: number
  weeklyResetInMs: number
  mcpResetInMs: number
  /** Keys the server accepts; an empty list accepts any non-empty key. */
  keys: string[]
  /** Extra raw entries appended to `limits` (unknown types and units). */
  extraLimits: unknown[]
  /** The monthly MCP row (`TIME_LIMIT`); credit plans usually send none. */
  mcpRow: boolean
  /** Available reset cards of each kind, expiring 10 days after now; null: the endpoint answers 404 (a host without it). */
  resetCards: { fiveHour: number; week: number } | null
  /** Ids the coding endpoint lists (`/api/coding/paas/v4/models`); null: it answers 404. */
  models: string[] | null
}

/** OpenCode's catalog for zai-coding-plan plus GLM-5.4 (zai-monitor-api.md, "Models on the plan"). */
export const SIM_MODELS: readonly string[] = [
  "glm-4.7",
  "glm-5-turbo",
  "glm-5.2",
  "glm-5.2-highspeed",
  "glm-5.3",
  "glm-5.3-flash",
  "glm-5.3-highspeed",
  "glm-5.4",
]

const CAPS: Record<PlanId, { mcp: number; jan5h: number; credit5h: number; creditWeek: number }> = {
  lite: { mcp: 100, jan5h: 8_000_000, credit5h: 2000, creditWeek: 10000 },
  pro: { mcp: 1000, jan5h: 40_000_000, credit5h: 12000, creditWeek: 60000 },
  max: { mcp: 4000, jan5h: 160_000_000, credit5h: 28000, creditWeek: 140000 },
}

export const DEMO_STATE: DemoState = {
  era: "weekly",
  plan: "pro",
  china: false,
  fiveHourPercent: 37,
  weeklyPercent: 41,
  mcpUsed: 147,
  fiveHourResetInMs: (2 * 60 + 41) * 60_000,
  weeklyResetInMs: (3 * 24 + 9) * 3600_000 + 17 * 60_000,
  mcpResetInMs: (18 * 24 + 4) * 3600_000,
  keys: [],
  extraLimits: [],
  mcpRow: true,
  resetCards: { fiveHour: 1, week: 0 },
  models: [...SIM_MODELS],
}

function mcpEntry(s: DemoState, nowMs: number, withReset: boolean): Record<string, unknown> {
  const cap = CAPS[s.plan].mcp
  const search = Math.round(s.mcpUsed * 0.57)
  const reader = Math.round(s.mcpUsed * 0.28)
  const e: Record<string, unknown> = {
    type: "TIME_LIMIT",
    unit: 5,
    number: 1,
    usage: cap,
    currentValue: s.mcpUsed,
    remaining: Math.max(0, cap - s.mcpUsed),
    percentage: Math.round((s.mcpUsed / cap) * 100),
    usageDetails: [
      { modelCode: "search-prime", usage: search },
      { modelCode: "web-reader", usage: reader },
      { modelCode: "zread", usage: s.mcpUsed - search - reader },
    ],
  }
  if (withReset) e.nextResetTime = nowMs + s.mcpResetInMs
  return e
}

/** The quota/limit `data` of the state's era, at `now`. */
export function quotaData(s: DemoState, nowMs: number): Record<string, unknown> {
  const fiveReset = nowMs + s.fiveHourResetInMs
  const weekReset = nowMs + s.weeklyResetInMs
  if (DECEMBER_ERAS.has(s.era)) return decemberData(s.era as DecemberEra, s, nowMs)
  const planName = s.plan[0]!.toUpperCase() + s.plan.slice(1)
  if (s.era === "jan") {
    const cap = CAPS[s.plan].jan5h
    const used = Math.round((cap * s.fiveHourPercent) / 100)
    return {
      planName,
      limits: [
        {
          type: "TOKENS_LIMIT",
          unit: 3,
          number: 5,
          usage: cap,
          currentValue: used,
          remaining: cap - used,
          percentage: s.fiveHourPercent,
          nextResetTime: fiveReset,
        },
        mcpEntry(s, nowMs, false),
        ...s.extraLimits,
      ],
    }
  }
  if (s.era === "feb") {
    return {
      planName,
      limits: [
        { type: "TOKENS_LIMIT", unit: 3, number: 5, percentage: s.fiveHourPercent, nextResetTime: fiveReset },
        mcpEntry(s, nowMs, true),
        ...s.extraLimits,
      ],
    }
  }
  if (s.era === "weekly") {
    return {
      level: s.plan,
      limits: [
        { type: "TOKENS_LIMIT", unit: 3, number: 5, percentage: s.fiveHourPercent, nextResetTime: fiveReset },
        { type: "TOKENS_LIMIT", unit: 6, number: 1, percentage: s.weeklyPercent, nextResetTime: weekReset },
        mcpEntry(s, nowMs, true),
        ...s.extraLimits,
      ],
    }
  }
  const c = CAPS[s.plan]
  const used5 = Math.round((c.credit5h * s.fiveHourPercent) / 100)
  const usedW = Math.round((c.creditWeek * s.weeklyPercent) / 100)
  return {
    level: s.plan,
    limits: [
      {
        type: "CREDIT_LIMIT",
        unit: 3,
        number: 5,
        usage: c.credit5h,
        currentValue: used5,
        remaining: c.credit5h - used5,
        percentage: s.fiveHourPercent,
        nextResetTime: fiveReset,
      },
      {
        type: "CREDIT_LIMIT",
        unit: 6,
        number: 1,
        usage: c.creditWeek,
        currentValue: usedW,
        remaining: c.creditWeek - usedW,
        percentage: s.weeklyPercent,
        nextResetTime: weekReset,
      },
      ...(s.mcpRow ? [mcpEntry(s, nowMs, true)] : []),
      ...s.extraLimits,
    ],
  }
}

function envelope(s: DemoState, data: unknown): Record<string, unknown> {
  if (s.china) return { code: 200, data, success: true }
  return { code: 200, msg: "Operation successful", data, success: true }
}

/** An instant as the monitor API writes it: Beijing wall-clock text, no zone ("2026-12-05 18:00:00"). */
export function beijingWallClock(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ")
}

/** The customer-package-reset/list `data` for the state's card counts, at `now`. */
export function resetCardsData(cards: { fiveHour: number; week: number }, nowMs: number): Record<string, unknown> {
  const expireTime = beijingWallClock(nowMs + 10 * 86400_000)
  const make = (n: number, base: number) =>
    Array.from({ length: Math.max(0, n) }, (_, i) => ({ recordId: base + i, expireTime, available: true }))
  return {
    fiveHourResets: make(cards.fiveHour, 5001),
    weekResets: make(cards.week, 7001),
    lastFiveHourResetTime: null,
    lastWeekResetTime: null,
  }
}

export interface DemoAnswer {
  status: number
  body: string
}

const notFound = (): DemoAnswer => ({
  status: 404,
  body: JSON.stringify({ code: 404, msg: "Not Found", success: false }),
})
const json = (status: number, body: unknown): DemoAnswer => ({ status, body: JSON.stringify(body) })

/** The coding endpoint speaks OpenAI: HTTP 401 with an error object, no monitor envelope. */
function modelsAnswer(s: DemoState, key: string): DemoAnswer {
  if (key === "" || (s.keys.length > 0 && !s.keys.includes(key)))
    return json(401, { error: { message: "Invalid API key", type: "authentication_error", code: "401" } })
  if (s.models === null) return json(404, { error: { message: "Not Found", type: "not_found", code: "404" } })
  return json(200, { object: "list", data: s.models.map((id) => ({ id, object: "model", owned_by: "z-ai" })) })
}

/**
 * The answer to one GET, as the real API gives it: the key checked like the real one (missing → 1001, unknown → 401
 * inside HTTP 200), then the endpoint's data in its envelope. Using a reset card (`…/use`) is never this tool's
 * business: such a path is a 404 whatever the key.
 */
export function demoAnswer(s: DemoState, path: string, authorization: string | undefined, nowMs: number): DemoAnswer {
  if (/\/use\/?$/.test(path)) return notFound()
  const key = (authorization ?? "").replace(/^Bearer\s+/i, "").trim()
  if (path === MODELS_PATH) return modelsAnswer(s, key)
  if (key === "")
    return json(200, {
      code: 1001,
      msg: s.china ? "Header中未收到Authorization参数，无法进行身份验证。" : "Authorization Token Missing",
      success: false,
    })
  if (s.keys.length > 0 && !s.keys.includes(key))
    return json(200, {
      code: 401,
      msg: s.china ? "令牌已过期或验证不正确" : "token expired or incorrect",
      success: false,
    })
  if (path === PATHS.quota) return json(200, envelope(s, quotaData(s, nowMs)))
  if (path === PATHS.modelUsage) return json(200, envelope(s, modelUsageData(nowMs)))
  if (path === PATHS.toolUsage) return json(200, envelope(s, toolUsageData(nowMs)))
  if (path === PATHS.resetCards)
    return s.resetCards === null ? notFound() : json(200, envelope(s, resetCardsData(s.resetCards, nowMs)))
  if (path === PATHS.subscription) {
    const name = `GLM Coding ${s.plan[0]!.toUpperCase()}${s.plan.slice(1)}`
    return json(
      200,
      envelope(s, [
        {
          productName: name,
          status: "VALID",
          nextRenewTime: nowMs + 12 * 86400_000,
          billingCycle: "MONTHLY",
          autoRenew: true,
        },
      ]),
    )
  }
  return notFound()
}

/** The origin the demo's requests are addressed to (never resolved: `demoFetch` answers them in memory). */
export const DEMO_ORIGIN = "https://demo.glm-quota.invalid"

/** A fetch that answers from the demo state, in memory: what `glm-quota --demo` reads. */
export function demoFetch(state: Partial<DemoState>, now: () => Date): FetchLike {
  const s: DemoState = { ...DEMO_STATE, ...state }
  // The answer as a plain object, and the client's plain header object read as it is: fetch's Headers and Response
  // would load Node's whole fetch machinery (undici, some 50 ms) for a demo that needs none of it.
  return async (input, init) => {
    const url = new URL(input)
    const headers = Object.entries((init.headers ?? {}) as Record<string, string>)
    const auth = headers.find(([name]) => name.toLowerCase() === "authorization")?.[1]
    const a = demoAnswer(s, url.pathname, auth, now().getTime())
    const body = new TextEncoder().encode(a.body)
    return {
      status: a.status,
      headers: { get: (name) => (name.toLowerCase() === "content-type" ? "application/json; charset=utf-8" : null) },
      body: (async function* () {
        yield body
      })(),
    }
  }
}
