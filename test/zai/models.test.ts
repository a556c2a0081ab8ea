// The coding endpoint's model list over real loopback HTTP: read and cleaned, a Bearer key, a day in the file cache
// (named by a hash, 0600 in a 0700 directory, no key inside), the stale list on failure, never fatal.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { cacheDir, cacheId } from "../../src/zai/cache.ts"
import { fetchModelList, MODELS_PATH, modelList, type ModelListOptions } from "../../src/zai/models.ts"
import { SIM_MODELS, startSimulator, type Simulator } from "../support/simulator.ts"
import type { FetchLike } from "../../src/core/types.ts"
import { cleanModelIds } from "../../src/zai/model-list-file.ts"

const KEY = "sk-models.9f3c1a7e5b2d40"
const DAY = 24 * 3600_000

let sim: Simulator
let home: string
let t: number
beforeAll(async () => {
  sim = await startSimulator()
})
afterAll(() => sim.close())
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "glmq-models-"))
  t = Date.parse("2026-11-25T10:00:00.000Z")
  sim.set({ models: [...SIM_MODELS], keys: [] })
})
afterEach(() => rmSync(home, { recursive: true, force: true }))

const opts = (over: Partial<ModelListOptions> = {}): ModelListOptions => ({
  key: KEY,
  region: "international",
  origin: sim.url,
  fetch,
  env: { XDG_CACHE_HOME: join(home, "cache") },
  now: () => new Date(t),
  ...over,
})
const ctx = (over: { fetch?: FetchLike; key?: string } = {}) => ({
  key: KEY,
  region: "international" as const,
  origin: sim.url,
  fetch,
  ...over,
})
const answer =
  (text: string, status = 200): FetchLike =>
  () =>
    Promise.resolve(new Response(text, { status, headers: { "content-type": "application/json" } }))

describe("fetchModelList", () => {
  it("reads the OpenAI list with the key as Bearer", async () => {
    const res = await fetchModelList(ctx())
    expect(res).toEqual({ ok: true, value: [...SIM_MODELS] })
    const asked = sim.requests.filter((r) => r.path === MODELS_PATH).at(-1)!
    expect(asked.authorization).toBe(`Bearer ${KEY}`)
  })

  it("cleans the ids: strings only, trimmed, control characters gone, at most 64 characters, no duplicates, at most 200", async () => {
    const many = Array.from({ length: 300 }, (_, i) => `glm-x${i}`)
    const hostile = [
      " glm-5.3 ",
      "glm-5.3",
      "\u001b[31mglm-5.4\u001b[0m",
      "glm\u0000-4.7\u202e",
      "",
      "   ",
      "a".repeat(65),
      "b".repeat(64),
      42,
      null,
      { id: "x" },
    ] as unknown as string[]
    sim.set({ models: [...hostile, ...many] })
    const res = await fetchModelList(ctx())
    expect(res.ok).toBe(true)
    if (!res.ok) return
    expect(res.value.slice(0, 4)).toEqual(["glm-5.3", "glm-5.4", "glm-4.7", "b".repeat(64)])
    expect(res.value).toHaveLength(200)
    expect(new Set(res.value).size).toBe(200)
    for (const id of res.value) expect(id).toMatch(/^[\x20-\x7e]{1,64}$/)
  })

  it("entries without a string id are skipped, the rest kept", async () => {
    const body = JSON.stringify({
      object: "list",
      data: [null, 1, "glm-5.3", { id: 5 }, { object: "model" }, { id: "glm-5.4", owned_by: "z-ai", extra: [1] }],
    })
    expect(await fetchModelList(ctx({ fetch: answer(body) }))).toEqual({ ok: true, value: ["glm-5.4"] })
  })

  it("404 and answers that are not a list are bad_response; 401 is auth", async () => {
    sim.set({ models: null })
    const missing = await fetchModelList(ctx())
    expect(missing.ok).toBe(false)
    if (!missing.ok) expect(missing.error.kind).toBe("bad_response")
    sim.set({ models: [...SIM_MODELS], keys: ["another-key-000"] })
    const refused = await fetchModelList(ctx())
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.error).toMatchObject({ kind: "auth", status: 401 })
    for (const body of [
      "",
      "<html></html>",
      "[]",
      '{"object":"list"}',
      '{"data":{"id":"glm-5.3"}}',
      '{"code":200,"success":true,"data":{}}',
      '{"data":["glm-',
    ]) {
      const res = await fetchModelList(ctx({ fetch: answer(body) }))
      expect(res.ok, body).toBe(false)
      if (!res.ok) expect(res.error.kind, body).toBe("bad_response")
    }
  })

  it("a monitor-style refusal in HTTP 200 keeps its meaning, without the server's words", async () => {
    const res = await fetchModelList(
      ctx({ fetch: answer(JSON.stringify({ code: 401, msg: `token ${KEY} expired`, success: false })) }),
    )
    expect(res.ok).toBe(false)
    if (!res.ok) {
      expect(res.error.kind).toBe("auth")
      expect(res.error.message).not.toContain(KEY)
    }
  })

  it("never throws: a network failure and a timeout are error values", async () => {
    const down = await fetchModelList(ctx({ fetch: () => Promise.reject(new TypeError("fetch failed")) }))
    expect(down.ok).toBe(false)
    if (!down.ok) expect(down.error.kind).toBe("network")
    const hang: FetchLike = (_, init) =>
      new Promise((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)))
    const slow = await fetchModelList({ ...ctx({ fetch: hang }), timeoutMs: 200 })
    expect(slow.ok).toBe(false)
    if (!slow.ok) expect(slow.error.kind).toBe("timeout")
  })
})

describe("modelList: a day in the file cache", () => {
  it("asks once, then serves the cache for 24 h, then asks again", async () => {
    const before = sim.count(MODELS_PATH)
    expect(await modelList(opts())).toEqual({ ids: [...SIM_MODELS], source: "endpoint" })
    expect(sim.count(MODELS_PATH) - before).toBe(1)
    t += DAY - 1000
    expect(await modelList(opts())).toEqual({ ids: [...SIM_MODELS], source: "cache" })
    expect(sim.count(MODELS_PATH) - before).toBe(1)
    t += 2000
    sim.set({ models: ["glm-5.4"] })
    expect(await modelList(opts())).toEqual({ ids: ["glm-5.4"], source: "endpoint" })
    expect(sim.count(MODELS_PATH) - before).toBe(2)
  })

  it("on a failure, the last cached list however old; without one, null ids and source none", async () => {
    sim.set({ models: null })
    const none = await modelList(opts())
    expect(none).toMatchObject({ ids: null, source: "none", error: { kind: "bad_response" } })
    sim.set({ models: [...SIM_MODELS] })
    await modelList(opts())
    t += 30 * DAY
    sim.set({ models: null })
    expect(await modelList(opts())).toMatchObject({
      ids: [...SIM_MODELS],
      source: "cache",
      error: { kind: "bad_response" },
    })
    sim.set({ models: [...SIM_MODELS], keys: ["another-key-000"] })
    expect(await modelList(opts())).toMatchObject({ ids: [...SIM_MODELS], source: "cache", error: { kind: "auth" } })
    expect(await modelList(opts({ fetch: () => Promise.reject(new TypeError("fetch failed")) }))).toMatchObject({
      ids: [...SIM_MODELS],
      source: "cache",
    })
  })

  it("an empty list is no answer: not cached, the fallback stands", async () => {
    sim.set({ models: [] })
    expect(await modelList(opts())).toMatchObject({ ids: null, source: "none" })
    expect(readdirSafe(cacheDir(opts().env))).toEqual([])
  })

  it("the cache file: named by a hash of key, region and origin with suffix models, 0600 in a 0700 dir, no key inside", async () => {
    await modelList(opts())
    const dir = cacheDir(opts().env)
    const files = readdirSafe(dir)
    const name = `${cacheId(KEY, "international", sim.url, "models")}.json`
    expect(files).toEqual([name])
    expect(name).toMatch(/^[0-9a-f]{32}-models\.json$/)
    expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    const text = readFileSync(join(dir, name), "utf8")
    expect(text).not.toContain(KEY)
    expect(text).not.toContain(KEY.slice(3, 15))
    expect(JSON.parse(text)).toEqual({ savedAt: t, ids: [...SIM_MODELS] })
    // Another key, region or origin is another file.
    await modelList(opts({ key: "sk-other.1234567890" }))
    await modelList(opts({ region: "china" }))
    expect(readdirSafe(dir)).toHaveLength(3)
  })

  it("fileCache false writes nothing and asks every time", async () => {
    const before = sim.count(MODELS_PATH)
    await modelList(opts({ fileCache: false }))
    await modelList(opts({ fileCache: false }))
    expect(sim.count(MODELS_PATH) - before).toBe(2)
    expect(readdirSafe(cacheDir(opts().env))).toEqual([])
  })

  it("a tampered or broken cache file is read as untrusted: cleaned, or ignored", async () => {
    const dir = cacheDir(opts().env)
    const file = join(dir, `${cacheId(KEY, "international", sim.url, "models")}.json`)
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      file,
      JSON.stringify({ savedAt: t, ids: ["\u001b]0;pwned\u0007glm-5.3", 7, "glm-5.3", "x".repeat(100)] }),
    )
    expect(await modelList(opts())).toEqual({ ids: ["glm-5.3"], source: "cache" })
    writeFileSync(file, "{not json")
    expect(await modelList(opts())).toEqual({ ids: [...SIM_MODELS], source: "endpoint" })
    writeFileSync(file, JSON.stringify({ savedAt: "soon", ids: ["glm-5.3"] }))
    expect(await modelList(opts())).toMatchObject({ source: "endpoint" })
  })

  it("a cache directory that cannot be written is only slower", async () => {
    const blocked = join(home, "file-not-dir")
    writeFileSync(blocked, "")
    const res = await modelList(opts({ env: { XDG_CACHE_HOME: blocked } }))
    expect(res).toEqual({ ids: [...SIM_MODELS], source: "endpoint" })
  })
})

describe("cleanModelIds", () => {
  it("keeps order of first appearance", () => {
    expect(cleanModelIds(["b", "a", "b", " a "])).toEqual(["b", "a"])
  })
})

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => !f.startsWith("."))
  } catch {
    return []
  }
}
