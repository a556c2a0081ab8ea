// Business errors inside HTTP 200, through the real HTTP path (loopback simulator, real fetch): each code ends in the
// right kind and one sentence; auth and no-plan sentences never say "try again"; hostile server text (escape
// sequences, bidi overrides, huge or multi-line messages, hostile tool and plan names) never reaches a sentence or a
// window raw; a key the server echoes never survives, not even in part across the length cap.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Region } from "../../src/core/types.ts"
import { fetchQuota, parseQuotaData, parseSubscription, parseUsageHistory, PATHS } from "../../src/zai/client.ts"
import { apiError } from "../../src/zai/errors.ts"
import { getData, type RequestContext } from "../../src/zai/http.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY } from "../helpers.ts"

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
const INVISIBLE = /[\u200b-\u200f\u2028\u2029\ufeff]/

let sim: Simulator
beforeAll(async () => {
  sim = await startSimulator()
})
afterAll(() => sim.close())

const ctx = (region: Region = "international", key = "k-123456"): RequestContext => ({
  key,
  region,
  origin: sim.url,
  fetch: globalThis.fetch,
  sleep: async () => undefined,
})

/** The error the quota endpoint ends in when it answers HTTP 200 with `body`. */
async function failWith(body: unknown, region: Region = "international", key?: string) {
  sim.set({ fault: { kind: "answer", status: 200, body: JSON.stringify(body) } })
  const res = await getData(ctx(region, key), PATHS.quota)
  if (res.ok) throw new Error("expected a failure")
  return res.error
}

function expectOneCleanSentence(message: string) {
  expect(message).not.toMatch(CONTROL)
  expect(message).not.toMatch(INVISIBLE)
  expect(message.length).toBeLessThanOrEqual(300)
  expect(message).toMatch(/^[A-Z].*[.]$/)
}

describe("business errors inside HTTP 200", () => {
  const rejected: [number, string][] = [
    [1000, "Authentication Failed"],
    [1002, "身份验证失败。"],
    [1003, "Authentication Failed"],
    [1004, "身份验证失败。"],
    [401, "token expired or incorrect"],
    [401, "令牌已过期或验证不正确"],
    [403, "Forbidden"],
  ]
  for (const [code, msg] of rejected) {
    it(`code ${code} (${msg}): the key was rejected, kind auth, no "try again"`, async () => {
      const e = await failWith({ code, msg, success: false })
      expect(e.kind).toBe("auth")
      expect(e.message).toMatch(
        /^The quota API rejected your key as expired or incorrect: create a new key in the Z\.ai console/,
      )
      expect(e.message).not.toMatch(/try again/i)
      expect(e.message).not.toContain(msg)
      expectOneCleanSentence(e.message)
    })
  }

  it("code 1002 on the China host names the BigModel console and the other region", async () => {
    const e = await failWith({ code: 1002, msg: "身份验证失败。", success: false }, "china")
    expect(e.kind).toBe("auth")
    expect(e.message).toMatch(/BigModel console.*--region international/)
  })

  it("code 1001 still says no key was received", async () => {
    const e = await failWith({ code: 1001, msg: "Authorization Token Missing", success: false })
    expect(e.kind).toBe("auth")
    expect(e.message).toMatch(/received no key/)
    expect(e.message).not.toMatch(/try again/i)
  })

  it("code 500 with 当前用户不存在coding plan: no plan, z.ai for the international host", async () => {
    const e = await failWith({ code: 500, msg: "当前用户不存在coding plan", success: false })
    expect(e.kind).toBe("no_plan")
    expect(e.message).toBe(
      "This key has no GLM Coding Plan subscription: subscribe at z.ai/subscribe, or use the key of the account that has the plan.",
    )
    expect(e.message).not.toMatch(/try again/i)
  })

  it("code 500 on the China host: no plan, bigmodel.cn", async () => {
    const e = await failWith({ code: 500, msg: "当前用户不存在coding plan", success: false }, "china")
    expect(e.kind).toBe("no_plan")
    expect(e.message).toMatch(/subscribe at bigmodel\.cn,/)
    expect(e.message).not.toMatch(/z\.ai|try again/i)
  })

  it("code 500 without a message is no plan too; so is no-plan text under another code, in any case", async () => {
    expect((await failWith({ code: 500, success: false })).kind).toBe("no_plan")
    expect((await failWith({ code: 1113, msg: "User has NO Coding Plan", success: false })).kind).toBe("no_plan")
    expect((await failWith({ code: 200, msg: "当前用户不存在Coding Plan", success: false })).kind).toBe("no_plan")
    expect(
      (await failWith({ code: 9999, message: "You do not have an active GLM Coding Plan", success: false })).kind,
    ).toBe("no_plan")
  })

  it("throttling text still means throttled, also under code 500", async () => {
    expect((await failWith({ code: 1302, msg: "rate limit reached", success: false })).kind).toBe("rate_limited")
    expect((await failWith({ code: 500, msg: "系统繁忙，请稍后再试", success: false })).kind).toBe("rate_limited")
  })

  it("any other code: server, the message quoted after cleaning", async () => {
    const e = await failWith({ code: 1234, msg: "Something odd\nhappened", success: false })
    expect(e.kind).toBe("server")
    expect(e.message).toBe(
      'The quota API refused the request (code 1234: "Something odd happened"); try again in a few minutes.',
    )
  })

  it("a message of only control characters is not quoted at all", async () => {
    const e = await failWith({ code: 1234, msg: "\u001b[2J\u0007\u200b\n", success: false })
    expect(e.message).toBe("The quota API refused the request (code 1234); try again in a few minutes.")
  })

  it("the new kinds go through fetchQuota unchanged", async () => {
    sim.set({
      fault: {
        kind: "answer",
        status: 200,
        body: JSON.stringify({ code: 1000, msg: "Authentication Failed", success: false }),
      },
    })
    const auth = await fetchQuota(ctx())
    expect(!auth.ok && auth.error.kind).toBe("auth")
    sim.set({
      fault: {
        kind: "answer",
        status: 200,
        body: JSON.stringify({ code: 500, msg: "当前用户不存在coding plan", success: false }),
      },
    })
    const noPlan = await fetchQuota(ctx())
    expect(!noPlan.ok && noPlan.error.kind).toBe("no_plan")
  })
})

describe("hostile server text never reaches a sentence raw", () => {
  const hostile: [string, string][] = [
    ["ANSI clear screen and an OSC window title", "bad \u001b[2J\u001b]0;pwned\u0007 thing"],
    ["bidi overrides and isolates", "abc \u202eevil\u202c \u2066x\u2069 \u200fdef"],
    ["newlines, tabs, CR, line and paragraph separators", "line one\nline two\r\n\tthree\u2028four\u2029five"],
    ["C1 controls and DEL", "a\u0085b\u009b31mc\u007fd\u0090dcs\u009ce"],
    ["zero-width characters and a BOM", "\ufeffzero\u200bwidth\u200d"],
    ["10,000 characters", "A".repeat(10_000)],
    ["10,000 newlines", "\n".repeat(10_000) + "end"],
  ]
  for (const [name, msg] of hostile) {
    it(name, async () => {
      const e = await failWith({ code: 1234, msg, success: false })
      expect(e.kind).toBe("server")
      expectOneCleanSentence(e.message)
      expect(e.message).not.toContain("pwned")
      expect(e.message).not.toContain("[2J")
    })
  }

  it("the cut message ends in an ellipsis", async () => {
    const e = await failWith({ code: 1234, msg: "A".repeat(10_000), success: false })
    expect(e.message).toMatch(/A…"\); try again in a few minutes\.$/)
  })

  it("a key echoed across the length cap is redacted before the cut: not even a piece survives", async () => {
    for (let before = 140; before <= 170; before++) {
      const e = await failWith(
        { code: 1234, msg: `${"x".repeat(before)} ${CANARY_KEY} more`, success: false },
        "international",
        CANARY_KEY,
      )
      for (let i = 0; i + 8 <= CANARY_KEY.length; i++) expect(e.message).not.toContain(CANARY_KEY.slice(i, i + 8))
    }
  })

  it("a key hidden behind invisible characters is caught too (the message is cleaned, then redacted)", async () => {
    const e = await failWith(
      { code: 1234, msg: `bad key \u200b${CANARY_KEY}\u200b`, success: false },
      "international",
      CANARY_KEY,
    )
    expect(e.message).not.toContain(CANARY_KEY)
    expect(e.message).toContain("[redacted]")
  })

  it("apiError itself cleans and caps a raw message", () => {
    const e = apiError(77, "\u001b[31mred\u001b[0m\n" + "y".repeat(5000), "international")
    expectOneCleanSentence(e.message)
    expect(e.message).toContain(': "red yyy')
  })
})

describe("hostile names in the data", () => {
  const limits = (tools: { modelCode: unknown; usage: number }[]) => [
    { type: "TOKENS_LIMIT", unit: 3, number: 5, percentage: 22, nextResetTime: 1781448954156 },
    {
      type: "TIME_LIMIT",
      unit: 5,
      number: 1,
      usage: 1000,
      currentValue: 30,
      remaining: 970,
      percentage: 3,
      nextResetTime: 1784706344993,
      usageDetails: tools,
    },
  ]
  const HOSTILE_TOOLS = [
    { modelCode: "search-prime", usage: 10 },
    { modelCode: "\u001b[2J\u001b]0;pwned\u0007web\nreader", usage: 5 },
    { modelCode: "ev\u202eil\u2066", usage: 4 },
    { modelCode: "z".repeat(500), usage: 3 },
    { modelCode: "\u001b[0m\u200b\n", usage: 2 },
    { modelCode: "🙂".repeat(100), usage: 1 },
  ]

  function toolsOf(data: unknown): Record<string, number> {
    const q = parseQuotaData(data)
    if (!q.ok) throw new Error(q.error.message)
    const mcp = q.value.windows.find((w) => w.kind === "mcp_monthly")
    return mcp?.tools ?? {}
  }

  it("tool names in usageDetails are cleaned and capped; an invisible-only name is dropped", () => {
    const tools = toolsOf({ level: "pro", limits: limits(HOSTILE_TOOLS) })
    const names = Object.keys(tools)
    for (const n of names) {
      expect(n).not.toMatch(CONTROL)
      expect(n).not.toMatch(INVISIBLE)
      expect(Array.from(n).length).toBeLessThanOrEqual(64)
    }
    expect(tools["search-prime"]).toBe(10)
    expect(tools["web reader"]).toBe(5)
    expect(tools["evil"]).toBe(4)
    expect(tools[`${"z".repeat(63)}…`]).toBe(3)
    expect(tools[`${"🙂".repeat(63)}…`]).toBe(1)
    expect(names).toHaveLength(5)
  })

  it("a hostile level is cleaned and capped, and a padded real one still names the plan", () => {
    const hostile = parseQuotaData({ level: `\u001b]0;pwned\u0007pro\u202e${"x".repeat(200)}`, limits: [] })
    if (!hostile.ok) throw new Error(hostile.error.message)
    expect(hostile.value.planLabel).not.toMatch(CONTROL)
    expect(hostile.value.planLabel).not.toContain("pwned")
    expect(Array.from(hostile.value.planLabel ?? "").length).toBeLessThanOrEqual(64)
    const padded = parseQuotaData({ level: "\u200b pro\n", limits: [] })
    expect(padded.ok && padded.value).toMatchObject({ plan: "pro", planLabel: "pro" })
    const invisible = parseQuotaData({ level: "\u001b[0m", planName: "Max\u0007", limits: [] })
    expect(invisible.ok && invisible.value).toMatchObject({ plan: "max", planLabel: "Max" })
  })

  it("the same through the real HTTP path (fetchQuota)", async () => {
    sim.set({
      fault: {
        kind: "answer",
        status: 200,
        body: JSON.stringify({
          code: 200,
          msg: "ok",
          success: true,
          data: { level: "pro\u001b[2J", limits: limits(HOSTILE_TOOLS) },
        }),
      },
    })
    const q = await fetchQuota(ctx())
    if (!q.ok) throw new Error(q.error.message)
    expect(q.value.planLabel).toBe("pro")
    const mcp = q.value.windows.find((w) => w.kind === "mcp_monthly")
    expect(Object.keys(mcp?.tools ?? {}).every((n) => !CONTROL.test(n) && Array.from(n).length <= 64)).toBe(true)
  })

  it("model names in the usage history and the subscription's fields are cleaned", () => {
    const h = parseUsageHistory(
      {
        x_time: ["2026-08-02 08:00", "\u001b[2J09:00"],
        modelDataList: [
          { modelName: "glm\u001b]0;x\u0007-5\n\u202e", tokensUsage: [1, 2] },
          { modelName: "\u200b", tokensUsage: [3, null] },
        ],
      },
      null,
    )
    expect(h.perModel.map((p) => p.model)).toEqual(["glm-5", "unknown"])
    expect(h.hours).toEqual(["2026-08-02 08:00", "09:00"])
    const s = parseSubscription([
      {
        productName: "GLM Coding Max\u001b[5m\u202e",
        status: "VALID\n",
        billingCycle: `MONTHLY${"\u0007".repeat(3)}${"m".repeat(100)}`,
        autoRenew: true,
      },
    ])
    expect(s?.productName).toBe("GLM Coding Max")
    expect(s?.status).toBe("VALID")
    expect(s?.billingCycle).not.toMatch(CONTROL)
    expect(Array.from(s?.billingCycle ?? "").length).toBeLessThanOrEqual(64)
  })
})
