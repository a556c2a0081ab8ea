// The TUI's quota feed against the real loopback simulator and a real cache directory: what it shows first, when it
// asks again, how it shares the cache with the server half, how it notices a key added later.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { DEFAULTS } from "../../src/options/server.ts"
import { QuotaService } from "../../src/quota/service.ts"
import { QuotaFeed, type FeedState } from "../../src/tui/feed.ts"
import { lineText, promptLine } from "../../src/tui/widget-lines.ts"
import { PATHS } from "../../src/zai/client.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, until } from "../helpers.ts"

let dir: string
let sim: Simulator
let t: number
const now = () => new Date(t)

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "glmq-feed-"))
  t = Date.parse("2026-03-07T07:30:00Z")
  sim = await startSimulator({ now, state: { keys: [CANARY_KEY], fiveHourPercent: 37, weeklyPercent: 41 } })
})
afterEach(async () => {
  await sim.close()
  rmSync(dir, { recursive: true, force: true })
})

const env = (extra: Record<string, string> = {}) => ({
  XDG_CACHE_HOME: join(dir, "cache"),
  XDG_DATA_HOME: join(dir, "data"),
  ZAI_API_KEY: CANARY_KEY,
  GLM_QUOTA_BASE_URL: sim.url,
  ...extra,
})
const settings = { ...DEFAULTS, refreshInterval: 60 }

/** Timers under the test's control: each scheduled callback is kept with its delay. */
function manualTimers() {
  const pending: { fn: () => void; ms: number }[] = []
  return {
    pending,
    setTimer: (fn: () => void, ms: number) => {
      const h = { fn, ms }
      pending.push(h)
      return h
    },
    clearTimer: (h: unknown) => {
      const i = pending.indexOf(h as (typeof pending)[number])
      if (i >= 0) pending.splice(i, 1)
    },
    /**
     * Runs the next timer. A timer is set again only when the check before it has settled, which on a loaded
     * machine can take longer than any guessed sleep: wait for it to be set (10 s at most), then run it.
     */
    async fire() {
      await until(() => pending.length > 0)
      const next = pending.shift()
      if (!next) throw new Error("no timer pending")
      next.fn()
      return next.ms
    },
  }
}

const percent = (s: FeedState, kind: string) =>
  s.data.kind === "report" ? s.data.report.windows.find((w) => w.kind === kind)?.usedPercent : undefined

describe("QuotaFeed", () => {
  it("loading, then the report; asks again when the entry goes stale, not before", async () => {
    const timers = manualTimers()
    const feed = new QuotaFeed(settings, { env: env(), fetch, now, ...timers })
    const seen: string[] = []
    feed.onChange((s) => seen.push(s.data.kind))
    expect(feed.current().data.kind).toBe("loading")
    feed.start()
    expect(await timers.fire()).toBe(0)
    await feed.refresh()
    expect(percent(feed.current(), "five_hour")).toBe(37)
    expect(seen).toContain("report")
    expect(sim.count(PATHS.quota)).toBe(1)
    // The next check is due when the entry is a full interval old.
    t += 20_000
    expect(feed.nextDelay()).toBe(40_000 + 150)
    sim.set({ fiveHourPercent: 64 })
    t += 40_200
    await timers.fire()
    await feed.refresh()
    expect(percent(feed.current(), "five_hour")).toBe(64)
    expect(sim.count(PATHS.quota)).toBe(2)
    feed.stop()
    expect(timers.pending).toHaveLength(0)
  })

  it("what the other half wrote to the cache is shown without a request of its own", async () => {
    const server = new QuotaService(settings, { env: env(), fetch, now })
    await server.get()
    expect(sim.count(PATHS.quota)).toBe(1)
    const feed = new QuotaFeed(settings, { env: env(), fetch, now, ...manualTimers() })
    feed.start()
    expect(feed.current().data.kind).toBe("report") // from disk, before any refresh
    await feed.refresh()
    expect(sim.count(PATHS.quota)).toBe(1)
    feed.stop()
  })

  it("no key: says so, and notices a key added later (e.g. through /connect) without a restart", async () => {
    const e: Record<string, string> = env()
    delete e.ZAI_API_KEY
    const feed = new QuotaFeed(settings, { env: e, fetch, now, ...manualTimers() })
    await feed.refresh()
    expect(feed.current().data.kind).toBe("no_key")
    expect(sim.count()).toBe(0)
    e.ZAI_API_KEY = CANARY_KEY
    await feed.refresh()
    expect(percent(feed.current(), "weekly")).toBe(41)
  })

  it("a failure with nothing cached is a failed state carrying the one sentence", async () => {
    sim.set({
      fault: {
        kind: "answer",
        status: 200,
        body: JSON.stringify({ code: 401, msg: "token expired or incorrect", success: false }),
      },
    })
    const feed = new QuotaFeed(settings, { env: env(), fetch, now, ...manualTimers() })
    await feed.refresh()
    const s = feed.current()
    expect(s.data.kind).toBe("failed")
    expect(s.error?.kind).toBe("auth")
    expect(s.error?.message).not.toContain(CANARY_KEY)
  })

  it("a failed refresh after a good one keeps the reading, marked stale", async () => {
    const feed = new QuotaFeed(settings, { env: env(), fetch, now, ...manualTimers() })
    await feed.refresh()
    sim.set({ fault: { kind: "answer", status: 503, body: "busy" } })
    t += 61_000
    await feed.refresh()
    const s = feed.current()
    expect(s.data.kind === "report" && s.data.report.stale).toBe(true)
    expect(s.error).not.toBeNull()
    expect(feed.nextDelay()).toBe(60_000)
  })

  it("rebuild() moves the report to the clock (the countdown shrinks) without a request", async () => {
    sim.set({ fiveHourPercent: 88 }) // the five-hour window binds: its reset (2h 41m after the reading) is counted down
    const feed = new QuotaFeed(settings, { env: env(), fetch, now, ...manualTimers() })
    await feed.refresh()
    const widget = (s: FeedState) =>
      lineText(promptLine(s.data, { now: now(), localTimeZone: "UTC", sessionModel: null, thresholds: [80, 95] }))
    const five = (s: FeedState) =>
      s.data.kind === "report" ? s.data.report.windows.find((w) => w.kind === "five_hour")! : undefined
    const left = (s: FeedState) => Date.parse(five(s)!.resetsAt!) - now().getTime()
    const before = feed.current()
    expect(left(before)).toBe((2 * 60 + 41) * 60_000)
    expect(widget(before)).toContain(" · ↻ 2h 41m")
    t += 30 * 60_000
    const after = feed.rebuild()
    expect(after).not.toBe(before)
    expect(feed.current()).toBe(after)
    expect(left(after)).toBe((2 * 60 + 11) * 60_000)
    expect(widget(after)).toContain(" · ↻ 2h 11m")
    expect(five(after)!.note).toBeUndefined()
    // Past the reset the countdown is over, and the rebuilt report says why its figure is old (until the next refresh).
    t += (2 * 60 + 15) * 60_000
    const past = feed.rebuild()
    expect(widget(past)).toContain(" · ↻ now")
    expect(five(past)!.note).toMatch(/the reset time the API gave has already passed/)
    expect(five(before)!.note).toBeUndefined()
    expect(sim.count(PATHS.quota)).toBe(1)
  })
})
