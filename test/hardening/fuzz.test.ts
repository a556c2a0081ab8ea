// Property-based fuzzing with fast-check: random and mutated payloads (mutations of the real-shaped fixtures) through
// the envelope, the parsers and the renderers. Never a throw; never NaN, Infinity or undefined in any output text;
// every usedPercent within 0–100 with at most one decimal (counters are exact, the API's percentage is whole), or null.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Hooks } from "@opencode-ai/plugin"
import { buildReport } from "../../src/core/report/report.ts"
import { renderJson } from "../../src/core/render/render-json.ts"
import { renderMarkdown } from "../../src/core/render/render-markdown.ts"
import { renderTerminal } from "../../src/core/render/render-terminal.ts"
import type { Policy, QuotaSnapshot, QuotaWindow, UsageHistory } from "../../src/core/types.ts"
import { parseQuotaData, parseSubscription, parseUsageHistory } from "../../src/zai/client.ts"
import { getData } from "../../src/zai/http.ts"
import { modelUsageData, toolUsageData } from "../support/simulator.ts"
import { Envelope } from "../../src/zai/schemas.ts"
import { fixture, tempHome } from "../helpers.ts"
import { drain, pluginEnv, startServer } from "../opencode/support.ts"
import { fakeClient } from "./support.ts"

const NOW = new Date("2026-03-02T07:30:00Z")
/** Runs per property; GLMQ_FUZZ_RUNS=5000 for a longer hunt. */
const RUNS = Number(process.env.GLMQ_FUZZ_RUNS ?? 300)
/** What a computation gone wrong prints: JavaScript's own words for it, and the ∞ that toLocaleString makes. */
const BROKEN = /NaN|Infinity|undefined|∞|Invalid Date/

const FIXTURES = [
  "quota-china.json",
  "quota-credit.json",
  "quota-feb.json",
  "quota-jan.json",
  "quota-unknown.json",
  "quota-weekly.json",
].map((f) => JSON.parse(fixture(f)) as Record<string, unknown>)
const MODEL_USAGE = modelUsageData(NOW.getTime())
const TOOL_USAGE = toolUsageData(NOW.getTime())
const MODEL_LIST = {
  x_time: ["2026-08-02 08:00", "2026-08-02 09:00"],
  modelDataList: [
    { modelName: "glm-4.7", tokensUsage: [100, null] },
    { modelName: "glm-5", tokensUsage: [50, 25] },
  ],
}
const SUBSCRIPTION = [
  {
    productName: "GLM Coding Max",
    status: "VALID",
    nextRenewTime: 1786000000000,
    billingCycle: "MONTHLY",
    autoRenew: true,
  },
]

// ---------------------------------------------------------------------------------------------------------------------
// Generators

/** Short text, as labels, keys and model codes. */
const safeText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("NaN", "undefined", "Infinity", "glm-5", "search-prime"),
)

/** Numbers a hostile or broken API could send. */
const wildNumber = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    0,
    -0,
    1e308,
    -1e308,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.MAX_SAFE_INTEGER,
    2 ** 53 + 1,
    8.64e15,
    -8.64e15,
    8.64e15 + 1,
    1e11 - 1,
    1e11,
    250,
    -3,
    100.5,
    99.5,
  ),
)

/** Strings where numbers belong. */
const numberLikeString = fc.oneof(
  fc.constantFrom(
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    "0x10",
    "1_000",
    "",
    " ",
    "12abc",
    "250",
    "-3",
    "1781448954156",
    "2026-03-02T09:12:00Z",
    "yesterday",
    "+275760-09-13T00:00:00.000Z",
    "-271821-04-20T00:00:00Z",
  ),
  wildNumber.map(String),
)

/** Anything JSON can hold, nested. */
const junk: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    wildNumber,
    numberLikeString,
    safeText,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(safeText, tie("value"), { maxKeys: 4 }),
  ),
})).value

type Path = (string | number)[]

/** Every path to a value in a JSON tree, the root included. */
function paths(v: unknown, at: Path = []): Path[] {
  const out: Path[] = [at]
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])))
  else if (typeof v === "object" && v !== null)
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]))
  return out
}

function getAt(v: unknown, path: Path): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)?.[k], v)
}

type Mutation =
  | { op: "delete" }
  | { op: "replace"; value: unknown }
  | { op: "number"; value: number | string }
  | { op: "wrap" }
  | { op: "junkField"; key: string; value: unknown }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ op: "delete" }),
  junk.map((value): Mutation => ({ op: "replace", value })),
  fc.oneof(wildNumber, numberLikeString).map((value): Mutation => ({ op: "number", value })),
  fc.constant<Mutation>({ op: "wrap" }),
  fc.tuple(safeText, junk).map(([key, value]): Mutation => ({ op: "junkField", key, value })),
)

/** Applies mutations to a deep copy: each picks one path (by an index into the current tree's paths). */
function mutate(base: unknown, steps: [number, Mutation][]): unknown {
  let root: unknown = structuredClone(base)
  for (const [pick, m] of steps) {
    const all = paths(root)
    const path = all[pick % all.length]!
    if (path.length === 0) {
      if (m.op === "replace") root = m.value
      else if (m.op === "wrap") root = [root]
      continue
    }
    const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown> | unknown[]
    const key = path.at(-1)!
    const old = (parent as Record<string | number, unknown>)[key]
    if (m.op === "delete") {
      if (Array.isArray(parent)) parent.splice(key as number, 1)
      else delete (parent as Record<string, unknown>)[key]
    } else if (m.op === "replace") (parent as Record<string | number, unknown>)[key] = m.value
    else if (m.op === "number")
      (parent as Record<string | number, unknown>)[key] =
        typeof old === "number" || typeof old === "string" ? m.value : old
    else if (m.op === "wrap")
      (parent as Record<string | number, unknown>)[key] = { value: old, nested: [old, { deeper: old }] }
    else if (typeof old === "object" && old !== null && !Array.isArray(old))
      (old as Record<string, unknown>)[m.key] = m.value
  }
  return root
}

const mutations = fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 6 })
const mutatedFixture = fc.tuple(fc.constantFrom(...FIXTURES), mutations).map(([f, steps]) => mutate(f, steps))
const mutatedModelUsage = fc
  .tuple(fc.constantFrom<unknown>(MODEL_USAGE, MODEL_LIST), mutations)
  .map(([f, steps]) => mutate(f, steps))
const mutatedToolUsage = mutations.map((steps) => mutate(TOOL_USAGE, steps))
const mutatedSubscription = mutations.map((steps) => mutate(SUBSCRIPTION, steps))

// ---------------------------------------------------------------------------------------------------------------------
// Checks

function checkWindow(w: QuotaWindow) {
  if (w.usedPercent !== null) {
    expect(Math.abs(w.usedPercent * 10 - Math.round(w.usedPercent * 10))).toBeLessThan(1e-9)
    expect(w.usedPercent).toBeGreaterThanOrEqual(0)
    expect(w.usedPercent).toBeLessThanOrEqual(100)
  }
  for (const n of [w.used, w.limit, w.remaining]) {
    if (n !== null) {
      expect(Number.isFinite(n)).toBe(true)
      expect(n).toBeGreaterThanOrEqual(0)
    }
  }
  if (w.resetsAt !== null) expect(Number.isFinite(Date.parse(w.resetsAt))).toBe(true)
  for (const n of Object.values(w.tools ?? {})) expect(Number.isFinite(n)).toBe(true)
  expect(["five_hour", "weekly", "mcp_monthly", "other"]).toContain(w.kind)
  expect(["tokens", "credits", "calls"]).toContain(w.meter)
}

function checkHistory(h: UsageHistory) {
  const bad: unknown[] = Object.values(h.totals).filter((v) => v !== null && !Number.isFinite(v))
  for (const s of [
    h.modelCalls,
    h.tokens,
    h.tools.search,
    h.tools.webRead,
    h.tools.zread,
    ...h.perModel.map((p) => p.tokens),
  ]) {
    for (const v of s) if (v !== null && !Number.isFinite(v)) bad.push(v)
  }
  expect(bad).toEqual([])
}

const ZONES = ["UTC", "Asia/Shanghai", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kathmandu"]
const POLICIES: Policy[] = ["quality", "balanced", "economy"]

interface RenderInput {
  quota: unknown
  model: unknown
  tool: unknown
  subscription: unknown
  zone: string
  policy: Policy
  stale: boolean
  nowShift: number
}

/** Fields the API sends as names, which the report shows as sent. */
const LABELS = new Set(["level", "planName", "type", "modelCode", "modelName", "productName"])

/**
 * A plan the API calls "NaN" is shown as "NaN": that is an echo, not a broken number. So label fields never carry
 * the words we look for; every other place (numbers, dates) still may.
 */
function labelsOnly(v: unknown, key = ""): unknown {
  if (typeof v === "string") return LABELS.has(key) && BROKEN.test(v) ? "label" : v
  if (Array.isArray(v)) return v.map((x) => labelsOnly(x, key))
  if (typeof v === "object" && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, labelsOnly(x, k)]))
  return v
}

/** Parse → build → render, every renderer; returns the texts after checking the values. */
function pipeline(raw: RenderInput): string[] {
  const i = {
    ...raw,
    quota: labelsOnly(raw.quota),
    model: labelsOnly(raw.model),
    tool: labelsOnly(raw.tool),
    subscription: labelsOnly(raw.subscription),
  }
  const now = new Date(NOW.getTime() + i.nowShift)
  const q = parseQuotaData(i.quota)
  if (!q.ok) {
    expect(q.error.message).toMatch(/^The quota API sent an answer that could not be read \(.+\): .+\.$/)
    return [q.error.message]
  }
  q.value.windows.forEach(checkWindow)
  const usage = parseUsageHistory(i.model, i.tool)
  checkHistory(usage)
  const subscription = parseSubscription(i.subscription)
  if (subscription?.nextRenewTime) expect(Number.isFinite(Date.parse(subscription.nextRenewTime))).toBe(true)
  const snapshot: QuotaSnapshot = {
    plan: q.value.plan,
    planLabel: q.value.planLabel,
    region: "international",
    fetchedAt: NOW.toISOString(),
    windows: q.value.windows,
    subscription,
    usage,
  }
  const report = buildReport(snapshot, { now, stale: i.stale, policy: i.policy })
  report.windows.forEach(checkWindow)
  const ctx = {
    now,
    localTimeZone: i.zone,
    planLabel: q.value.planLabel,
    staleReason: i.stale ? "The quota API is having trouble (HTTP 502): try again in a few minutes." : null,
    history: usage,
  }
  const json = renderJson(report)
  const parsed = JSON.parse(json) as { windows: QuotaWindow[] }
  expect(parsed.windows).toHaveLength(report.windows.length)
  parsed.windows.forEach(checkWindow)
  return [
    json,
    renderMarkdown(report, ctx),
    renderMarkdown(report, { ...ctx, history: null }),
    renderTerminal(report, { ...ctx, color: true }),
    renderTerminal(report, { ...ctx, color: false }),
  ]
}

function clean(texts: string[]) {
  for (const t of texts) {
    const bad = BROKEN.exec(t)
    if (bad !== null)
      throw new Error(`"${bad[0]}" in the output: …${t.slice(Math.max(0, bad.index - 80), bad.index + 40)}…`)
  }
}

const renderInput = (quota: fc.Arbitrary<unknown>): fc.Arbitrary<RenderInput> =>
  fc.record({
    quota,
    model: fc.oneof(mutatedModelUsage, fc.constant<unknown>(MODEL_USAGE), junk),
    tool: fc.oneof(mutatedToolUsage, fc.constant<unknown>(TOOL_USAGE), junk),
    subscription: fc.oneof(mutatedSubscription, junk),
    zone: fc.constantFrom(...ZONES),
    policy: fc.constantFrom(...POLICIES),
    stale: fc.boolean(),
    nowShift: fc.constantFrom(0, 3600_000 * 3, 86_400_000 * 5, 86_400_000 * 200, -86_400_000 * 30),
  })

// ---------------------------------------------------------------------------------------------------------------------

describe("fuzz: the parsers and renderers", () => {
  it("the fixtures themselves pass (the harness can tell a good payload)", () => {
    for (const f of FIXTURES) {
      const texts = pipeline({
        quota: f.data,
        model: MODEL_USAGE,
        tool: TOOL_USAGE,
        subscription: SUBSCRIPTION,
        zone: "UTC",
        policy: "balanced",
        stale: false,
        nowShift: 0,
      })
      expect(texts).toHaveLength(5)
      clean(texts)
    }
  })

  it("the checks can fail: an unclamped percentage and a NaN in the text are caught", () => {
    expect(() =>
      checkWindow({
        kind: "five_hour",
        meter: "tokens",
        usedPercent: 250,
        used: null,
        limit: null,
        remaining: null,
        resetsAt: null,
      }),
    ).toThrow()
    expect(() => clean(["5-hour NaN %"])).toThrow(/"NaN" in the output/)
    expect(() => clean(["1,000 / ∞ calls"])).toThrow()
    expect(labelsOnly({ level: "NaN", limits: [{ type: "undefined", percentage: "NaN" }] })).toEqual({
      level: "label",
      limits: [{ type: "label", percentage: "NaN" }],
    })
  })

  it("mutated real-shaped quota payloads: no throw, clean text, percentages in range", () => {
    fc.assert(
      fc.property(renderInput(mutatedFixture.map((f) => (f as { data?: unknown })?.data ?? f)), (i) =>
        clean(pipeline(i)),
      ),
      { numRuns: RUNS },
    )
  })

  it("mutated whole envelopes through Envelope and the parser", () => {
    fc.assert(
      fc.property(mutatedFixture, (env) => {
        const e = Envelope.safeParse(env)
        if (!e.success) return
        if (e.data.code !== null) expect(Number.isFinite(e.data.code)).toBe(true)
        if (e.data.msg !== null) expect(typeof e.data.msg).toBe("string")
        if (e.data.success !== null) expect(typeof e.data.success).toBe("boolean")
        const q = parseQuotaData(e.data.data)
        if (q.ok) q.value.windows.forEach(checkWindow)
      }),
      { numRuns: RUNS },
    )
  })

  it("entirely random data: no throw, clean text", () => {
    fc.assert(
      fc.property(
        renderInput(
          fc.oneof(junk, fc.record({ level: junk, planName: junk, limits: fc.array(junk, { maxLength: 6 }) })),
        ),
        (i) => clean(pipeline(i)),
      ),
      { numRuns: RUNS },
    )
  })

  it("random limit entries with every field present, each of any type", () => {
    const field = fc.oneof(junk, wildNumber, numberLikeString)
    const entry = fc.record({
      type: fc.oneof(
        fc.constantFrom("TOKENS_LIMIT", "CREDIT_LIMIT", "TIME_LIMIT", "VISION_LIMIT", "tokens_limit"),
        field,
      ),
      unit: fc.oneof(fc.constantFrom(1, 3, 4, 5, 6), field),
      number: fc.oneof(fc.constantFrom(1, 5, 7), field),
      percentage: field,
      usage: field,
      currentValue: field,
      remaining: field,
      nextResetTime: field,
      usageDetails: fc.oneof(
        fc.array(fc.record({ modelCode: fc.oneof(safeText, junk), usage: field }), { maxLength: 4 }),
        junk,
      ),
    })
    fc.assert(
      fc.property(
        renderInput(
          fc.record({
            level: fc.oneof(fc.constantFrom("lite", "pro", "max", "PRO"), junk),
            limits: fc.array(entry, { maxLength: 5 }),
          }),
        ),
        (i) => clean(pipeline(i)),
      ),
      {
        numRuns: RUNS,
      },
    )
  })

  it("long series and many repeated tool entries (the largest a 2 MiB answer can carry)", () => {
    const n = 150_000 // past the ~125k arguments at which Math.max(...series) overflows the stack
    const big = (v: number | null) => Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : v))
    const model = {
      x_time: Array.from({ length: n }, () => "2026-03-02 15:00"),
      modelCallCount: big(3),
      tokensUsage: big(1e308),
      totalUsage: null,
    }
    const tool = { x_time: [], networkSearchCount: big(1), webReadMcpCount: big(2), zreadMcpCount: big(3) }
    const quota = {
      level: "pro",
      limits: [
        {
          type: "TIME_LIMIT",
          unit: 5,
          number: 1,
          usageDetails: Array.from({ length: 1000 }, () => ({ modelCode: "search-prime", usage: 1e308 })),
        },
      ],
    }
    clean(
      pipeline({ quota, model, tool, subscription: null, zone: "UTC", policy: "balanced", stale: false, nowShift: 0 }),
    )
  })
})

describe("fuzz: the HTTP layer (getData) over random answers", () => {
  const statuses = fc.constantFrom(200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 408, 418, 429, 500, 502, 503, 504)
  const bodies = fc.oneof(
    mutatedFixture.map((x) => JSON.stringify(x)),
    junk.map((x) => JSON.stringify(x) ?? ""),
    fc.constantFrom(
      "",
      " ",
      "<html>502</html>",
      "null",
      "[]",
      "{}",
      '{"code":200}',
      '{"success":false}',
      '{"code":"401"}',
      '{"code":200,"data":null}',
      '{"code":200,"data":',
    ),
    fc.string({ maxLength: 40 }),
  )
  const headers = fc.record(
    {
      "retry-after": fc.oneof(
        fc.constant(undefined),
        numberLikeString,
        fc.constantFrom("Wed, 21 Oct 2015 07:28:00 GMT", "0", "1"),
      ),
    },
    { requiredKeys: [] },
  )

  it("never throws; every failure is one sentence with no NaN or undefined in it", async () => {
    await fc.assert(
      fc.asyncProperty(statuses, bodies, headers, async (status, text, hdrs) => {
        const h = new Headers()
        if (typeof hdrs["retry-after"] === "string") h.set("retry-after", hdrs["retry-after"])
        const respond = async () =>
          new Response([101, 204, 205, 304].includes(status) ? null : text, { status, headers: h })
        const res = await getData(
          {
            key: "k-fuzz-0000",
            region: "international",
            origin: "http://127.0.0.1:9",
            fetch: respond,
            sleep: async () => undefined,
          },
          "/api/monitor/usage/quota/limit",
        )
        if (res.ok) {
          expect(res.value).not.toBeUndefined()
          return
        }
        expect(res.error.message).toMatch(/^[A-Z].*\.$/)
        expect(res.error.message).not.toMatch(BROKEN)
        expect(res.error.message).not.toContain("k-fuzz-0000")
      }),
      { numRuns: RUNS },
    )
  })
})

describe("examples the fuzzer found", () => {
  it("a Retry-After of 1e306 seconds: a day's wait at most, never 'Infinity minutes'", async () => {
    const respond = async () => new Response("{}", { status: 429, headers: { "retry-after": "1e306" } })
    const res = await getData(
      {
        key: "k-fuzz-0000",
        region: "international",
        origin: "http://127.0.0.1:9",
        fetch: respond,
        sleep: async () => undefined,
      },
      "/x",
    )
    expect(res).toMatchObject({
      ok: false,
      error: {
        kind: "rate_limited",
        retryAfterMs: 86_400_000,
        message: "The quota API is throttling requests: wait 1440 minutes before asking again.",
      },
    })
  })

  it("a reset time at JavaScript's last instant is dropped, not shown as NaN:NaN in Beijing", () => {
    const q = parseQuotaData({
      level: "pro",
      limits: [
        { type: "TOKENS_LIMIT", unit: 3, number: 5, percentage: 5, nextResetTime: 8.64e15 },
        { type: "TOKENS_LIMIT", unit: 6, number: 1, percentage: 5, nextResetTime: "+275760-09-13T00:00:00.000Z" },
      ],
    })
    expect(q.ok && q.value.windows.map((w) => w.resetsAt)).toEqual([null, null])
  })

  it("tool counts and token series that overflow a sum show no total, not ∞", () => {
    const q = parseQuotaData({
      limits: [
        {
          type: "TIME_LIMIT",
          unit: 5,
          number: 1,
          usageDetails: [
            { modelCode: "a", usage: 1e308 },
            { modelCode: "a", usage: 1e308 },
            { modelCode: "b", usage: 2 },
          ],
        },
      ],
    })
    expect(q.ok && q.value.windows[0]!.tools).toEqual({ a: 1e308, b: 2 })
    const h = parseUsageHistory(
      {
        x_time: ["a", "b"],
        tokensUsage: [1e308, 1e308],
        modelDataList: [{ modelName: "m", tokensUsage: [1e308, 1e308] }],
      },
      null,
    )
    expect(h.totals.tokens).toBeNull()
  })
})

describe("fuzz: the plugin's hooks never throw", () => {
  const types = fc.constantFrom(
    "session.created",
    "session.updated",
    "session.deleted",
    "session.idle",
    "session.error",
    "message.updated",
    "message.part.updated",
    "tui.toast.show",
  )

  it("event and chat.message with arbitrary input", async () => {
    // A HOME of its own (the record of the fuzzed prompts lands there, not in the developer's), the fuzz key.
    const home = tempHome("glmq-fuzz-")
    const fake = fakeClient()
    // An origin nothing listens on: the background refreshes fail fast; the hooks must not care.
    const hooks: Hooks = await startServer(
      fake.input,
      { baseUrl: "http://127.0.0.1:9", toasts: true },
      { env: pluginEnv(home, { ZAI_API_KEY: "k-fuzz-0000" }), now: () => new Date(NOW.getTime()) },
    )
    try {
      await fc.assert(
        fc.asyncProperty(types, junk, junk, async (type, properties, chat) => {
          await expect(hooks.event!({ event: { type, properties } } as never)).resolves.toBeUndefined()
          await expect(hooks["chat.message"]!(chat as never, {} as never)).resolves.toBeUndefined()
        }),
        { numRuns: 200 },
      )
      for (const t of fake.toasts) expect(`${t.title} ${t.message}`).not.toMatch(BROKEN)
    } finally {
      await drain(hooks)
      home.cleanup()
    }
  })
})
