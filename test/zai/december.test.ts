// The December 2026 shapes of quota/limit (zai-monitor-api.md, "December 2026"): recorded-looking answers
// (test/fixtures/quota-*.json) read over a real loopback server, and the CLI's answer to each as the simulator serves
// it (its eras "december", "weekly_only", "fresh", "team"). Expected values are written out from the fixtures.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import type { QuotaSnapshot } from "../../src/core/types.ts"
import { fetchSnapshot } from "../../src/zai/client.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, fixture, runCliHere, tempHome, type TempHome } from "../helpers.ts"

const NOW = "2026-12-01T05:30:00Z" // Tuesday 13:30 Beijing: off-peak
let sim: Simulator
let home: TempHome
beforeAll(async () => {
  sim = await startSimulator({ now: () => new Date(NOW) })
})
afterAll(() => sim.close())
beforeEach(() => {
  home = tempHome()
  sim.set({ fault: null, era: "december", plan: "pro", fiveHourPercent: 25, weeklyPercent: 35, mcpRow: false })
})
afterEach(() => home.cleanup())

async function read(file: string): Promise<QuotaSnapshot> {
  sim.set({ fault: { kind: "answer", status: 200, body: fixture(file) } })
  const res = await fetchSnapshot(
    { key: "k-123456", region: "international", origin: sim.url, fetch },
    {
      now: () => new Date(NOW),
    },
  )
  if (!res.ok) throw new Error(res.error.message)
  return res.value
}

const cli = (args: string[], extra: Record<string, string> = {}) =>
  runCliHere(args, { ...home.env, ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: NOW, ...extra })

describe("December 2026 shapes, read", () => {
  it("credit rows beside legacy token rows: one window per kind, from the rows with counters", async () => {
    const s = await read("quota-december-mixed.json")
    expect(s.windows).toEqual([
      {
        kind: "five_hour",
        meter: "credits",
        usedPercent: 25,
        used: 3000,
        limit: 12000,
        remaining: 9000,
        resetsAt: "2026-12-01T07:00:00.000Z",
      },
      {
        kind: "weekly",
        meter: "credits",
        usedPercent: 86,
        used: 51600,
        limit: 60000,
        remaining: 8400,
        resetsAt: "2026-12-04T08:00:00.000Z",
      },
    ])
    expect(s.account).toBeUndefined()
  })

  it("a weekly-only plan: the week, and no 5-hour window", async () => {
    const s = await read("quota-weekly-only.json")
    expect(s.windows.map((w) => [w.kind, w.used, w.limit])).toEqual([["weekly", 21000, 60000]])
  })

  it("data: {} is a fresh account, not an unreadable answer", async () => {
    const s = await read("quota-fresh.json")
    expect(s.windows).toEqual([])
    expect(s.account).toBe("fresh")
  })

  it("level with limits: [] is a team member's key", async () => {
    const s = await read("quota-team-member.json")
    expect(s).toMatchObject({ plan: "pro", windows: [], account: "team_member" })
  })
})

describe("December 2026 shapes, the CLI's answer (the simulator's eras)", () => {
  it("mixed rows: one 5-hour and one weekly bar, never a false 0 %", async () => {
    const run = await cli([])
    expect(run.code).toBe(0)
    expect(run.stdout.match(/^ {2}5-hour /gm)).toHaveLength(1)
    expect(run.stdout.match(/^ {2}Weekly /gm)).toHaveLength(1)
    expect(run.stdout).toMatch(/5-hour +█████░+ +25 %/)
    expect(run.stdout).not.toMatch(/ 0 %/)
    const json = JSON.parse((await cli(["--json"])).stdout)
    expect(json.windows.map((w: { kind: string; used: number }) => [w.kind, w.used])).toEqual([
      ["five_hour", 3000],
      ["weekly", 21000],
    ])
  })

  it("weekly-only: the week, no 5-hour figure invented", async () => {
    sim.set({ era: "weekly_only" })
    const run = await cli([])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/Weekly +███████░+ +35 %/)
    expect(run.stdout).not.toMatch(/5-hour/)
    const json = JSON.parse((await cli(["--json"])).stdout)
    expect(json.windows.map((w: { kind: string }) => w.kind)).toEqual(["weekly"])
    expect(json.binding).toBe("weekly")
  })

  it("a fresh account: says nothing has started, exit 0", async () => {
    sim.set({ era: "fresh" })
    const run = await cli([])
    expect(run.code).toBe(0)
    expect(run.stderr).toBe("")
    expect(run.stdout).toContain("Nothing has started on this account yet")
    expect(run.stdout).not.toContain("could not be read")
    const json = JSON.parse((await cli(["--json"])).stdout)
    expect(json.windows).toEqual([])
    expect(json.account.state).toBe("fresh")
  })

  it("a team member's key: says the team's quota is not visible, how to see it, and the seat estimate", async () => {
    sim.set({ era: "team" })
    const run = await cli([])
    expect(run.code).toBe(0)
    const text = run.stdout.replace(/\s+/g, " ")
    expect(text).toContain("the team's quota is not visible to members")
    expect(text).toMatch(/an admin key/)
    expect(text).toMatch(/team: \{ seat: "standard" \}/)
    expect(text).not.toContain("reported no quota windows")
    const seat = await cli(["--seat", "premium", "--json"])
    expect(seat.code).toBe(0)
    const json = JSON.parse(seat.stdout)
    expect(json.account.state).toBe("team_member")
    expect(json.account.message).toMatch(/Premium seat's allowance/)
    const bad = await cli(["--seat", "gold"])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/use --seat standard or --seat premium/)
  })
})
