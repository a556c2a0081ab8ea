// The snapshot cache in one process: concurrent callers share one request; stale on failure; forget on auth errors.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { SnapshotCache } from "../../src/zai/cache.ts"
import { openSource } from "../../src/quota/source.ts"
import { PATHS } from "../../src/zai/client.ts"
import { startSimulator } from "../support/simulator.ts"
import type { QuotaSnapshot, Result } from "../../src/core/types.ts"

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "glmq-cache-"))
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

describe("SnapshotCache", () => {
  it("50 concurrent callers share one request to a real server", async () => {
    const sim = await startSimulator({ state: { latencyMs: 50 } })
    try {
      const src = openSource({
        env: { XDG_CACHE_HOME: dir },
        fetch,
        now: () => new Date(),
        credentials: { key: "k-abcdef", region: "international", source: "test" },
        baseUrl: sim.url,
      })
      if (!src.ok) throw new Error("no source")
      const results = await Promise.all(Array.from({ length: 50 }, () => src.value.quota.get()))
      expect(results.every((r) => r.ok)).toBe(true)
      expect(sim.count(PATHS.quota)).toBe(1)
    } finally {
      await sim.close()
    }
  })

  it("serves fresh from memory and disk, refreshes after 60 s, stale on failure, nothing after an auth error", async () => {
    let t = 0
    let next: Result<QuotaSnapshot> = { ok: true, value: snap(10) }
    let loads = 0
    const make = () => new SnapshotCache({ dir, id: "x", now: () => new Date(t), load: async () => (loads++, next) })
    const a = make()
    expect(await a.get()).toMatchObject({ ok: true, stale: false, fromCache: false })
    t = 59_999
    expect(await make().get()).toMatchObject({ ok: true, fromCache: true }) // another process: from disk
    expect(loads).toBe(1)
    t = 60_000
    next = { ok: false, error: { kind: "server", message: "down." } }
    const stale = await a.get()
    expect(stale).toMatchObject({ ok: true, stale: true, error: { kind: "server" } })
    expect(loads).toBe(2)
    next = { ok: false, error: { kind: "auth", message: "rejected." } }
    expect(await a.get()).toMatchObject({ ok: false, error: { kind: "auth" } })
    next = { ok: false, error: { kind: "server", message: "down." } }
    expect(await make().get()).toMatchObject({ ok: false, error: { kind: "server" } })
  })
})
