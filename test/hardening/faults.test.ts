// Fault injection against the real loopback simulator, through the CLI (a real process) and through the plugin's hooks
// (in process): every fault ends in one plain sentence or in a clamped value that carries a `note`; the body cap holds
// memory down for a 20 MB answer; the hooks never throw (the command hook: only its sentinel).
// reads: dist/ (spawns the built CLI; the test setup builds it first)
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Hooks } from "@opencode-ai/plugin"
import { SENTINEL, WAITING_TEXT } from "../../src/opencode/command.ts"
import { COMMAND } from "../../src/opencode/instance.ts"
import { PATHS } from "../../src/zai/client.ts"
import { DEMO_STATE, quotaData, startSimulator, type Fault, type Simulator } from "../support/simulator.ts"
import { tempHome, type TempHome } from "../helpers.ts"
import { homes, pluginEnv, startServer } from "../opencode/support.ts"
import { CANARY_KEY, fakeClient, runCliProbed, until, type FakeClient, type ProbedRun } from "./support.ts"

const NOW = "2026-03-02T07:30:00Z" // Monday 15:30 Beijing
const NOW_MS = Date.parse(NOW)
const TIMEOUT_MS = 8000
/** "Within the timeout plus a second" (issue 2), timed from the moment the request reached the server. */
const SLACK_MS = 1000
const MiB = 1024 * 1024

const answer = (status: number, body: string, headers?: Record<string, string>): Fault => ({
  kind: "answer",
  status,
  body,
  ...(headers ? { headers } : {}),
})

interface FaultCase {
  name: string
  fault: Fault
  /** The one sentence, after "glm-quota: " (CLI) or "**glm-quota:** " (plugin). */
  sentence: RegExp
  /** The same sentence inside OpenCode, where the fix is the plugin option instead of a CLI flag. */
  inOpenCode?: RegExp
  /** Quota requests one CLI run makes (retries included), when the case pins it. */
  requests?: number
  /**
   * The API is throttling: the plugin must back off for the refresh interval (or Retry-After, if longer), so a whole
   * burst of commands, tools and events costs the requests of one read.
   */
  throttled?: true
}

const FAULTS: FaultCase[] = [
  {
    name: "timeout: the server never answers",
    fault: { kind: "hang" },
    sentence:
      /^The quota API did not answer within 8 seconds: check your network or proxy \(HTTPS_PROXY\) and try again\.$/,
  },
  {
    name: "connection reset mid-body",
    fault: { kind: "reset" },
    sentence:
      /^Could not reach http:\/\/127\.0\.0\.1:\d+ \(connection reset\): check your network, proxy \(HTTPS_PROXY\) or GLM_QUOTA_BASE_URL and try again\.$/,
  },
  {
    name: "HTML 502 page (retried, then named)",
    fault: answer(502, "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>", {
      "content-type": "text/html",
    }),
    sentence:
      /^The quota API answered with an HTML error page instead of data \(HTTP 502\): .*try again in a few minutes.*\.$/,
    requests: 3,
  },
  {
    name: "429 with Retry-After: 300 (no hammering: one request)",
    fault: answer(429, '{"code":429,"msg":"Too Many Requests","success":false}', { "retry-after": "300" }),
    sentence: /^The quota API is throttling requests: wait 5 minutes before asking again\.$/,
    requests: 1,
    throttled: true,
  },
  {
    name: "429 without Retry-After (two short backed-off retries)",
    fault: answer(429, '{"code":429,"msg":"Too Many Requests","success":false}'),
    sentence: /^The quota API is throttling requests: wait a few minutes before asking again\.$/,
    requests: 3,
    throttled: true,
  },
  {
    name: "200 with code 401",
    fault: answer(200, '{"code":401,"msg":"token expired or incorrect","success":false}'),
    sentence:
      /^The quota API rejected your key as expired or incorrect: create a new key in the Z\.ai console, or if the key is for the other region try --region china\.$/,
    inOpenCode:
      /^The quota API rejected your key as expired or incorrect: create a new key in the Z\.ai console, or if the key is for the other region set `"region": "china"` in the glm-quota plugin options of opencode\.json \(that region's provider in OpenCode is zhipuai-coding-plan\)\.$/,
    requests: 1,
  },
  {
    name: "200 with code 1001",
    fault: answer(200, '{"code":1001,"msg":"Authorization Token Missing","success":false}'),
    sentence:
      /^The quota API says it received no key: check that your Coding Plan key is set \(ZAI_API_KEY or ZHIPU_API_KEY\) and not empty\.$/,
    requests: 1,
  },
  {
    name: "200 with an empty body",
    fault: answer(200, ""),
    sentence: /^The quota API sent an empty answer, .* try --region china or check GLM_QUOTA_BASE_URL\.$/,
    inOpenCode:
      /^The quota API sent an empty answer, .* set `"region": "china"` in the glm-quota plugin options .* or check GLM_QUOTA_BASE_URL\.$/,
    requests: 1,
  },
  {
    name: "200 with only whitespace",
    fault: answer(200, " \r\n\t "),
    sentence: /^The quota API sent an empty answer/,
    requests: 1,
  },
  {
    name: "200 with a truncated body",
    fault: answer(
      200,
      '{"code":200,"msg":"Operation successful","data":{"level":"pro","limits":[{"type":"TOKENS_LIMIT","unit":3,"num',
    ),
    sentence:
      /^The quota API sent an answer that could not be read \(cut off or not JSON\): try again in a minute, .*\.$/,
    requests: 1,
  },
  {
    name: "a 20 MB body",
    fault: { kind: "huge", bytes: 20 * MiB },
    sentence:
      /^The quota API sent an answer that could not be read \(the answer was far larger than a quota answer can be\): .*\.$/,
    requests: 1,
  },
  {
    name: "a body announcing 20 MB in Content-Length",
    fault: answer(200, "{}", { "content-length": String(20 * MiB) }),
    sentence: /could not be read|Could not reach/,
  },
]

/** Real-shaped quota/limit bodies (the simulator's own Pro payload), with one value made wrong. */
function body(mutate: (limits: Record<string, unknown>[]) => void): string {
  const data = quotaData({ ...DEMO_STATE }, NOW_MS) as { limits: Record<string, unknown>[] }
  mutate(data.limits)
  return JSON.stringify({ code: 200, msg: "Operation successful", success: true, data })
}
const five = (l: Record<string, unknown>[]) => l.find((e) => e.unit === 3)!
const week = (l: Record<string, unknown>[]) => l.find((e) => e.unit === 6)!
const mcp = (l: Record<string, unknown>[]) => l.find((e) => e.type === "TIME_LIMIT")!

interface ValueCase {
  name: string
  /** Also through the CLI (each case costs a process; the rest is the same core, checked through the hooks). */
  cli?: true
  body: string
  kind: "five_hour" | "weekly" | "mcp_monthly"
  expect: Record<string, unknown>
  /** The window's note, or null when the value was read as it is and needs none. */
  note: RegExp | null
  exit: 0 | 2
}

const PAST = NOW_MS - 3600_000
const RESET = Date.parse("2026-03-02T09:12:00Z")

const VALUES: ValueCase[] = [
  {
    name: "percentage 250",
    cli: true,
    body: body((l) => (five(l).percentage = 250)),
    kind: "five_hour",
    expect: { usedPercent: 100 },
    note: /the API reported 250 %, shown as 100 %/,
    exit: 2,
  },
  {
    name: "percentage -3",
    cli: true,
    body: body((l) => (week(l).percentage = -3)),
    kind: "weekly",
    expect: { usedPercent: 0 },
    note: /the API reported -3 %, shown as 0 %/,
    exit: 0,
  },
  {
    name: 'percentage "250" as a string',
    body: body((l) => (five(l).percentage = "250")),
    kind: "five_hour",
    expect: { usedPercent: 100 },
    note: /reported 250 %, shown as 100 %/,
    exit: 2,
  },
  {
    name: "percentage 1e308",
    body: body((l) => (week(l).percentage = 1e308)),
    kind: "weekly",
    expect: { usedPercent: 100 },
    note: /shown as 100 %/,
    exit: 2,
  },
  {
    name: "a negative counter",
    cli: true,
    body: body((l) => (mcp(l).currentValue = -5)),
    kind: "mcp_monthly",
    expect: { used: null, limit: 1000 },
    note: /used -5 is negative and was dropped/,
    exit: 0,
  },
  {
    name: "nextResetTime in the past",
    cli: true,
    body: body((l) => (five(l).nextResetTime = PAST)),
    kind: "five_hour",
    expect: { resetsAt: new Date(PAST).toISOString() },
    note: /reset time the API gave has already passed/,
    exit: 0,
  },
  {
    name: "nextResetTime as an ISO string",
    cli: true,
    body: body((l) => (five(l).nextResetTime = "2026-03-02T09:12:00Z")),
    kind: "five_hour",
    expect: { resetsAt: new Date(RESET).toISOString() },
    note: null,
    exit: 0,
  },
  {
    name: "nextResetTime as a numeric string",
    cli: true,
    body: body((l) => (five(l).nextResetTime = String(RESET))),
    kind: "five_hour",
    expect: { resetsAt: new Date(RESET).toISOString() },
    note: null,
    exit: 0,
  },
  {
    name: "nextResetTime in seconds",
    cli: true,
    body: body((l) => (five(l).nextResetTime = RESET / 1000)),
    kind: "five_hour",
    expect: { resetsAt: new Date(RESET).toISOString() },
    note: null,
    exit: 0,
  },
  {
    name: "nextResetTime as a past ISO string",
    body: body((l) => (week(l).nextResetTime = new Date(PAST).toISOString())),
    kind: "weekly",
    expect: { resetsAt: new Date(PAST).toISOString() },
    note: /already passed/,
    exit: 0,
  },
]

const sims: Simulator[] = []
async function simWith(fault: Fault | null): Promise<Simulator> {
  const s = await startSimulator({ state: { keys: [CANARY_KEY], fault }, now: () => new Date(NOW_MS) })
  sims.push(s)
  return s
}

let cacheHome: string
/** The plugin instances' HOMEs: one each, so no instance reads what another left on disk unless a test says so. */
const pluginHomes = homes("glmq-faults-plugin-")
beforeAll(() => {
  cacheHome = mkdtempSync(join(tmpdir(), "glmq-faults-"))
})
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()))
  rmSync(cacheHome, { recursive: true, force: true })
  pluginHomes.cleanup()
})

async function cli(sim: Simulator, args: string[] = []): Promise<ProbedRun> {
  const home = tempHome()
  try {
    return await runCliProbed(args, {
      ...home.env,
      ZAI_API_KEY: CANARY_KEY,
      GLM_QUOTA_BASE_URL: sim.url,
      GLM_QUOTA_NOW: NOW,
    })
  } finally {
    home.cleanup()
  }
}

function oneSentence(run: ProbedRun, sentence: RegExp) {
  expect(run.code, run.stderr).toBe(1)
  expect(run.stdout).toBe("")
  const lines = run.stderr.trimEnd().split("\n")
  expect(lines, run.stderr).toHaveLength(1)
  expect(lines[0]!.startsWith("glm-quota: ")).toBe(true)
  expect(lines[0]!.slice("glm-quota: ".length)).toMatch(sentence)
}

// Every test below runs concurrently with the others (each has its own simulator and plugin instance): the two
// timeouts overlap instead of adding up.
describe.concurrent("fault injection", () => {
  describe.concurrent("CLI: each fault ends in one sentence on stderr and exit 1", () => {
    for (const c of FAULTS) {
      it(
        c.name,
        async () => {
          const sim = await simWith(c.fault)
          const run = cli(sim)
          let arrived = 0
          await until(() => sim.count(PATHS.quota) > 0, 20_000)
          arrived = Date.now()
          const done = await run
          const finished = Date.now()
          oneSentence(done, c.sentence)
          // Whatever the fault, the process ends within the request budget (plus slack) of the moment it asked.
          expect(finished - arrived).toBeLessThan(TIMEOUT_MS + SLACK_MS)
          if (c.requests !== undefined) expect(sim.count(PATHS.quota)).toBe(c.requests)
        },
        30_000,
      )
    }
  })

  describe("CLI: memory stays bounded for a 20 MB answer", () => {
    it("peak RSS grows by less than 16 MiB over a normal run (the client stops reading at 2 MiB)", async () => {
      const ok = await simWith(null)
      const huge = await simWith({ kind: "huge", bytes: 20 * MiB })
      const normal = await cli(ok, ["--json"])
      expect(normal.code).toBe(0)
      const big = await cli(huge, ["--json"])
      expect(big.code).toBe(1)
      expect(big.stderr).toMatch(/far larger than a quota answer/)
      expect(normal.maxRssKiB).toBeGreaterThan(0)
      expect(big.maxRssKiB).toBeGreaterThan(0)
      const growthKiB = big.maxRssKiB! - normal.maxRssKiB!
      expect(growthKiB).toBeLessThan(16 * 1024)
    }, 30_000)
  })

  describe.concurrent("CLI: odd values are clamped or read, and labelled with a note", () => {
    for (const c of VALUES.filter((v) => v.cli)) {
      it(
        c.name,
        async () => {
          const sim = await simWith(answer(200, c.body))
          const json = await cli(sim, ["--json"])
          expect(json.stderr).toBe("")
          expect(json.code).toBe(c.exit)
          const report = JSON.parse(json.stdout) as { windows: Record<string, unknown>[] }
          const w = report.windows.find((x) => x.kind === c.kind)!
          expect(w).toMatchObject(c.expect)
          if (c.note === null) expect(w.note).toBeUndefined()
          else expect(w.note).toMatch(c.note)
          for (const x of report.windows) {
            if (x.usedPercent !== null) expect(x.usedPercent).toBeGreaterThanOrEqual(0)
            if (x.usedPercent !== null) expect(x.usedPercent).toBeLessThanOrEqual(100)
          }
        },
        30_000,
      )
    }

    it("the terminal report shows each note under its window", async () => {
      const sim = await simWith(
        answer(
          200,
          body((l) => {
            five(l).percentage = 250
            week(l).nextResetTime = PAST
            mcp(l).currentValue = -5
          }),
        ),
      )
      const run = await cli(sim)
      expect(run.code).toBe(2)
      expect(run.stdout).toMatch(/5-hour .* 100 %.*\n\s+note: the API reported 250 %, shown as 100 %\n/)
      expect(run.stdout).toMatch(/Weekly .*\n(.*\n)?\s+note: the reset time the API gave has already passed/)
      expect(run.stdout).toMatch(/MCP tools \(month\) .*\n(.*\n){0,2}\s+note: used -5 is negative and was dropped/)
      expect(run.stdout).not.toMatch(/NaN|Infinity|undefined/)
    }, 30_000)
  })

  // ---------------------------------------------------------------------------------------------------------------------
  // The plugin's hooks, in process.

  interface Loaded {
    hooks: Hooks
    fake: FakeClient
    home: TempHome
  }

  interface LoadOpts {
    failingClient?: boolean
    options?: Record<string, unknown>
    /** The instance's clock; default NOW, standing still. */
    now?: () => Date
    /** Another OpenCode process of the same user: the same HOME (so the same cache on disk). Default: a HOME of its own. */
    home?: TempHome
  }

  /** A plugin instance built by the factory: its own env, its own process state (a process of its own), its own clock. */
  async function load(sim: Simulator, o: LoadOpts = {}): Promise<Loaded> {
    const fake = fakeClient(o.failingClient ?? false)
    const home = o.home ?? pluginHomes.make()
    const hooks = await startServer(
      fake.input,
      { baseUrl: sim.url, ...o.options },
      { env: pluginEnv(home), now: o.now ?? (() => new Date(NOW_MS)) },
    )
    return { hooks, fake, home }
  }

  const ev = (type: string, properties: unknown) => ({ event: { type, properties } }) as never
  const ctx = {} as never
  /** A tool's answer, which for these tools is always plain text. */
  function toolText(result: unknown): string {
    expect(typeof result).toBe("string")
    return result as string
  }

  /** Runs /glm-quota; returns what it threw (null when it returned). */
  async function command(hooks: Hooks, args = ""): Promise<unknown> {
    try {
      await hooks["command.execute.before"]!({ command: COMMAND, sessionID: "ses_f", arguments: args }, { parts: [] })
      return null
    } catch (err) {
      return err
    }
  }

  function expectSentinel(thrown: unknown) {
    expect(thrown).toBeInstanceOf(Error)
    expect((thrown as Error).message).toBe(SENTINEL)
  }

  /** Every other hook, with ordinary and hostile input: each must resolve. */
  async function everyOtherHookResolves(hooks: Hooks) {
    const calls: Promise<unknown>[] = [
      hooks.event!(ev("session.created", { info: { id: "ses_f" } })),
      hooks.event!(ev("session.idle", { sessionID: "ses_f" })),
      hooks.event!(
        ev("session.error", {
          sessionID: "ses_f",
          error: { data: { responseBody: '{"error":{"code":"1308","message":"limit"}}' } },
        }),
      ),
      hooks.event!(ev("session.error", null)),
      hooks.event!(ev("session.deleted", { info: { id: "ses_f" } })),
      hooks.event!(ev("message.updated", { info: {} })),
      hooks["chat.message"]!(
        { sessionID: "ses_f", model: { providerID: "zai-coding-plan", modelID: "glm-5" } } as never,
        { message: {}, parts: [] } as never,
      ),
      hooks["chat.message"]!({} as never, {} as never),
      hooks.config!({ model: "zai-coding-plan/glm-5" } as never),
    ]
    for (const p of calls) await expect(p).resolves.toBeUndefined()
  }

  describe.concurrent("plugin hooks: each fault ends in one sentence, and no hook throws", () => {
    for (const c of FAULTS) {
      it(
        c.name,
        async () => {
          const sim = await simWith(c.fault)
          const { hooks, fake } = await load(sim)
          const started = Date.now()
          // The command and the tools at once: they share the one request the plugin's start-up already made.
          const [thrown, all, one, model] = await Promise.all([
            command(hooks),
            hooks.tool!.glm_quota!.execute({}, ctx),
            hooks.tool!.glm_quota!.execute({ window: "five_hour" }, ctx),
            hooks.tool!.glm_model!.execute({}, ctx),
          ])
          expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + SLACK_MS)
          expectSentinel(thrown)
          // Inside OpenCode the sentence names the plugin option, not the CLI's flag (core/vocabulary.ts openCodeAdvice);
          // an API that keeps the command waiting past 2 s first gets the waiting line, then the sentence.
          const sentence = c.inOpenCode ?? c.sentence
          await until(() => fake.prompts.some((p) => p.body.parts[0]!.text !== WAITING_TEXT), TIMEOUT_MS + SLACK_MS)
          const texts = fake.prompts.map((p) => p.body.parts[0]!.text)
          expect(texts.filter((t) => t !== WAITING_TEXT)).toHaveLength(1)
          if (texts.length === 2) expect(texts[0]).toBe(WAITING_TEXT)
          const text = texts.at(-1)!
          // Posted as a user message (plain: 1.18.33's TUI draws its text as it is); the tool answers in Markdown.
          expect(text.startsWith("glm-quota: ")).toBe(true)
          expect(text.slice("glm-quota: ".length)).toMatch(sentence)
          expect(toolText(all).slice("**glm-quota:** ".length)).toMatch(sentence)
          expect(one).toMatch(/^\*\*glm-quota:\*\* /)
          expect(model).toMatch(/^glm-4\.7 — the quota could not be read \(.+\); GLM-4\.7 is on every plan\.$/)
          await everyOtherHookResolves(hooks)
          for (const t of fake.toasts) expect(`${t.title} ${t.message}`).not.toMatch(/NaN|Infinity|undefined/)
          if (c.throttled) {
            for (let i = 0; i < 5; i++) {
              expectSentinel(await command(hooks))
              await hooks.tool!.glm_model!.execute({}, ctx)
              await hooks.event!(ev("session.idle", { sessionID: "ses_f" }))
            }
            await new Promise((r) => setTimeout(r, 100))
            expect(fake.prompts.at(-1)!.body.parts[0]!.text.slice("glm-quota: ".length)).toMatch(c.sentence)
            expect(sim.count(PATHS.quota)).toBe(c.requests)
          }
        },
        40_000,
      )
    }
  })

  describe.concurrent("plugin hooks: odd values are clamped and labelled in the report", () => {
    for (const c of VALUES) {
      it(c.name, async () => {
        const sim = await simWith(answer(200, c.body))
        const { hooks, fake } = await load(sim)
        expectSentinel(await command(hooks))
        const md = fake.prompts[0]!.body.parts[0]!.text
        expect(md).toContain("GLM Coding Plan · Pro")
        if (c.note !== null) expect(md.replace(/\s+/g, " ")).toMatch(new RegExp(`note: .*${c.note.source}`))
        else expect(md).not.toContain("note:")
        expect(md).not.toMatch(/NaN|Infinity|undefined/)
        expectSentinel(await command(hooks, "json"))
        const json = JSON.parse(fake.prompts[1]!.body.parts[0]!.text) as {
          windows: Record<string, unknown>[]
        }
        const w = json.windows.find((x) => x.kind === c.kind)!
        expect(w).toMatchObject(c.expect)
        await everyOtherHookResolves(hooks)
        for (const t of fake.toasts) expect(`${t.title} ${t.message}`).not.toMatch(/NaN|Infinity|undefined/)
      })
    }
  })

  describe("plugin hooks: a client that throws everywhere", () => {
    it("the command returns without its sentinel when the report cannot be posted; nothing else throws", async () => {
      const sim = await simWith(null)
      const { hooks, fake } = await load(sim, { failingClient: true })
      expect(await command(hooks)).toBeNull()
      expect(fake.raw.some((r) => r.includes("GLM Coding Plan · Pro"))).toBe(true) // it did try to post the report
      await everyOtherHookResolves(hooks)
    })

    it("and when the API fails as well", async () => {
      const sim = await simWith(answer(502, "<html>Bad Gateway</html>"))
      const { hooks } = await load(sim, { failingClient: true })
      expect(await command(hooks)).toBeNull()
      await everyOtherHookResolves(hooks)
    })
  })

  describe("plugin hooks: stale", () => {
    it("a failure after a good reading shows the last one, labelled stale with the reason", async () => {
      const sim = await simWith(null)
      const first = await load(sim)
      expectSentinel(await command(first.hooks))
      expect(first.fake.prompts[0]!.body.parts[0]!.text).not.toMatch(/Stale/)
      sim.set({ fault: answer(502, "<html>Bad Gateway</html>") })
      // Another process of the same user (the same HOME), two minutes on: the disk cache is no longer fresh, the
      // refresh fails, the old reading is shown.
      {
        const later = await load(sim, { home: first.home, now: () => new Date(NOW_MS + 120_000) })
        expectSentinel(await command(later.hooks))
        const text = later.fake.prompts[0]!.body.parts[0]!.text
        expect(text.replace(/\s+/g, " ")).toMatch(
          /! Stale: showing the last good reading \(2m ago\)\. The quota API answered with an HTML error page/,
        )
        expect(text).toMatch(/5-hour +█+░+ +37 %/)
        expect(await later.hooks.tool!.glm_model!.execute({}, ctx)).toMatch(/stale data\)$/)
      }
    })
  })

  describe("throttling: the back-off is held for Retry-After, then lifted", () => {
    it("no request while held, the last good reading served stale; asked again once it has passed", async () => {
      const { openSource } = await import("../../src/quota/source.ts")
      const sim = await simWith(null)
      let t = NOW_MS
      const src = openSource({
        env: { XDG_CACHE_HOME: cacheHome },
        fetch,
        now: () => new Date(t),
        baseUrl: sim.url,
        credentials: { key: CANARY_KEY, region: "international", source: "test" },
      })
      if (!src.ok) throw new Error(src.error.message)
      const cache = src.value.quota
      expect(await cache.get()).toMatchObject({ ok: true, stale: false })
      sim.set({ fault: answer(429, '{"code":429,"msg":"Too Many Requests"}', { "retry-after": "300" }) })
      t += 61_000
      expect(await cache.get()).toMatchObject({ ok: true, stale: true, error: { kind: "rate_limited" } })
      expect(sim.count(PATHS.quota)).toBe(2)
      for (const step of [1_000, 60_000, 200_000]) {
        t += step
        expect(await cache.get()).toMatchObject({ ok: true, stale: true, error: { kind: "rate_limited" } })
      }
      expect(sim.count(PATHS.quota)).toBe(2)
      sim.set({ fault: null })
      t += 40_000 // 301 s after the 429
      expect(await cache.get()).toMatchObject({ ok: true, stale: false, fromCache: false })
      expect(sim.count(PATHS.quota)).toBe(3)
    })
  })
})
