// The refresh lease: one quota request per interval for every context sharing the cache directory — two module
// graphs in one process (OpenCode's TUI thread and server worker), or separate processes.
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { QuotaSnapshot, Result } from "../../src/core/types.ts"
import { PATHS } from "../../src/zai/client.ts"
import { DEFAULT_LEASE_WAIT_MS, leaseFile, tryAcquire, withLease } from "../../src/zai/lock.ts"
import { SnapshotCache, type SnapshotCacheOptions } from "../../src/zai/cache.ts"
import { startSimulator } from "../support/simulator.ts"
import { ROOT } from "../helpers.ts"

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "glmq-lock-"))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const snap = (p: number): QuotaSnapshot => ({
  plan: "pro",
  planLabel: "pro",
  region: "international",
  fetchedAt: "2026-03-02T07:30:00.000Z",
  windows: [
    { kind: "five_hour", meter: "tokens", usedPercent: p, used: null, limit: null, remaining: null, resetsAt: null },
  ],
})
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe("tryAcquire", () => {
  it("is exclusive until released, and the release removes the file", () => {
    const a = tryAcquire({ dir, id: "x" })
    expect(a).not.toBeNull()
    expect(tryAcquire({ dir, id: "x" })).toBeNull()
    expect(tryAcquire({ dir, id: "y" })).not.toBeNull()
    a!.release()
    expect(existsSync(leaseFile(dir, "x"))).toBe(false)
    const b = tryAcquire({ dir, id: "x" })
    expect(b).not.toBeNull()
    b!.release()
  })

  it("takes over a lease abandoned past its TTL, never a live one; the old holder's release leaves the new lease alone", () => {
    let t = 1_000_000
    const clock = () => t
    const old = tryAcquire({ dir, id: "x", clock, ttlMs: 20_000 })!
    t += 19_000
    expect(tryAcquire({ dir, id: "x", clock, ttlMs: 20_000 })).toBeNull()
    t += 2_000
    const taker = tryAcquire({ dir, id: "x", clock, ttlMs: 20_000 })
    expect(taker).not.toBeNull()
    old.release()
    expect(existsSync(leaseFile(dir, "x"))).toBe(true)
    taker!.release()
    expect(existsSync(leaseFile(dir, "x"))).toBe(false)
  })

  it("treats an unreadable lease by its file age", () => {
    writeFileSync(leaseFile(dir, "x"), "{half")
    expect(tryAcquire({ dir, id: "x" })).toBeNull()
    expect(tryAcquire({ dir, id: "x", clock: () => Date.now() + 60_000 })).not.toBeNull()
  })

  it("writes no key and no path into the lease", () => {
    const l = tryAcquire({ dir, id: "x" })!
    const body = JSON.parse(readFileSync(leaseFile(dir, "x"), "utf8"))
    expect(Object.keys(body).sort()).toEqual(["at", "pid", "start", "token"])
    l.release()
  })
})

describe("withLease", () => {
  it("a waiter takes the holder's answer instead of running", async () => {
    let answer: string | null = null
    let runs = 0
    const holder = withLease({ dir, id: "x", reuse: () => null }, async () => {
      runs++
      await sleep(150)
      answer = "from holder"
      return "holder"
    })
    await sleep(10)
    const waiter = withLease({ dir, id: "x", reuse: () => answer, pollMs: 10 }, async () => {
      runs++
      return "waiter ran"
    })
    expect(await holder).toBe("holder")
    expect(await waiter).toBe("from holder")
    expect(runs).toBe(1)
  })

  it("takes the lease when the holder gives up without an answer", async () => {
    const l = tryAcquire({ dir, id: "x" })!
    setTimeout(() => l.release(), 50)
    expect(await withLease({ dir, id: "x", reuse: () => null, pollMs: 10 }, async () => "ran")).toBe("ran")
  })

  it(
    "never hangs: after waitMs it runs anyway",
    async () => {
      const l = tryAcquire({ dir, id: "x" })!
      const t0 = Date.now()
      expect(await withLease({ dir, id: "x", reuse: () => null, waitMs: 200, pollMs: 20 }, async () => "ran")).toBe(
        "ran",
      )
      expect(Date.now() - t0).toBeLessThan(DEFAULT_LEASE_WAIT_MS) // it did not fall back to the default wait
      l.release()
    },
    DEFAULT_LEASE_WAIT_MS + 5000,
  )
})

/** A cache with the lease tuned for tests (as every SnapshotCache with a directory has it). */
const leased = (o: SnapshotCacheOptions, tuning: { pollMs?: number } = {}) => new SnapshotCache({ ...o, lease: tuning })

describe("SnapshotCache with the refresh lease", () => {
  it("two module graphs (two caches, no shared memory) at the same moment: one load; the other reads the disk", async () => {
    let loads = 0
    const load = async (): Promise<Result<QuotaSnapshot>> => {
      loads++
      await sleep(200)
      return { ok: true, value: snap(37) }
    }
    const make = () => leased({ dir, id: "q", now: () => new Date(), freshMs: 60_000, load }, { pollMs: 10 })
    const [a, b] = [make(), make()]
    const [ra, rb] = await Promise.all([a.get(), b.get()])
    expect(loads).toBe(1)
    expect(ra.ok && rb.ok).toBe(true)
    expect([ra, rb].filter((r) => r.ok && r.fromCache)).toHaveLength(1)
    expect(rb.ok && rb.value.windows[0]!.usedPercent).toBe(37)
    // Fresh on disk: nobody asks again within the interval.
    await Promise.all([a.get(), b.get(), make().get()])
    expect(loads).toBe(1)
  })

  it("after the interval exactly one of them refreshes", async () => {
    let t = Date.parse("2026-03-02T07:30:00Z")
    let loads = 0
    const load = async (): Promise<Result<QuotaSnapshot>> => {
      loads++
      await sleep(100)
      return { ok: true, value: snap(loads) }
    }
    const make = () => leased({ dir, id: "q", now: () => new Date(t), freshMs: 60_000, load }, { pollMs: 10 })
    const a = make()
    const b = make()
    await a.get()
    t += 61_000
    const [ra, rb] = await Promise.all([a.get(), b.get()])
    expect(loads).toBe(2)
    expect(ra.ok && ra.value.windows[0]!.usedPercent).toBe(2)
    expect(rb.ok && rb.value.windows[0]!.usedPercent).toBe(2)
  })

  it("a failed holder does not block: the waiter asks itself once the lease is free", async () => {
    let loads = 0
    const failing = leased(
      {
        dir,
        id: "q",
        now: () => new Date(),
        load: async () => {
          loads++
          await sleep(100)
          return { ok: false, error: { kind: "network", message: "down" } }
        },
      },
      { pollMs: 10 },
    )
    const working = leased(
      {
        dir,
        id: "q",
        now: () => new Date(),
        load: async () => {
          loads++
          return { ok: true, value: snap(5) }
        },
      },
      { pollMs: 10 },
    )
    const first = failing.get()
    await sleep(20)
    const second = await working.get()
    expect((await first).ok).toBe(false)
    expect(second.ok).toBe(true)
    expect(loads).toBe(2)
  })

  it("without a directory there is no lease, and one load still serves concurrent callers", async () => {
    let loads = 0
    const c = leased({
      dir: null,
      id: "q",
      now: () => new Date(),
      load: async () => (loads++, { ok: true, value: snap(1) }),
    })
    await Promise.all([c.get(), c.get()])
    expect(loads).toBe(1)
  })
})

function contender(cacheDir: string, url: string, startAt: number, locked: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "test/tui/fixtures/lock-child.ts"),
        cacheDir,
        url,
        String(startAt),
        locked ? "1" : "0",
      ],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_PROXY: "127.0.0.1" },
      },
    )
    let out = ""
    let err = ""
    child.stdout.on("data", (d: Buffer) => (out += d.toString()))
    child.stderr.on("data", (d: Buffer) => (err += d.toString()))
    const timer = setTimeout(() => child.kill("SIGKILL"), 40_000)
    child.on("close", (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(out.trim())
      else reject(new Error(`contender exited ${code}: ${err.slice(-2000)}`))
    })
  })
}

describe("separate processes against the simulator", () => {
  it(
    "four processes asking at the same moment: one quota request with the lease, one each without",
    { timeout: 90_000 },
    async () => {
      const sim = await startSimulator({ state: { latencyMs: 800 } })
      try {
        const locked = mkdtempSync(join(dir, "locked-"))
        const startAt = Date.now() + 6000
        const outs = await Promise.all([0, 1, 2, 3].map(() => contender(locked, sim.url, startAt, true)))
        expect(outs.map((o) => JSON.parse(o).ok)).toEqual([true, true, true, true])
        expect(sim.count(PATHS.quota)).toBe(1)

        const unlocked = mkdtempSync(join(dir, "unlocked-"))
        const again = Date.now() + 6000
        await Promise.all([0, 1, 2, 3].map(() => contender(unlocked, sim.url, again, false)))
        // The control: the race is real, the lease is what removes it.
        expect(sim.count(PATHS.quota) - 1).toBeGreaterThan(1)
      } finally {
        await sim.close()
      }
    },
  )
})
