// The set-up doctor against loopback simulators (one per region) in throw-away HOME and project directories.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { runDoctor, type Check } from "../../src/doctor/index.ts"
import { httpFetch } from "../../src/zai/node-http.ts"
import { PATHS } from "../../src/zai/client.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, tempHome, type TempHome } from "../helpers.ts"

let intl: Simulator
let china: Simulator
let home: TempHome
let project: string
beforeAll(async () => {
  intl = await startSimulator({ state: { keys: [CANARY_KEY] } })
  china = await startSimulator({ state: { keys: ["another-key-for-bigmodel-0123456789"], china: true } })
})
afterAll(async () => {
  await intl.close()
  await china.close()
})
beforeEach(() => {
  home = tempHome("glmq-doctor-")
  project = join(home.dir, "project")
  mkdirSync(project)
  for (const s of [intl, china]) {
    s.set({ fault: null, era: "weekly", dateOffsetMs: 0 })
    s.requests.length = 0
  }
  intl.set({ keys: [CANARY_KEY] })
  china.set({ keys: ["another-key-for-bigmodel-0123456789"] })
})
afterEach(() => home.cleanup())

async function doctor(env: Record<string, string> = {}): Promise<Check[]> {
  return runDoctor({
    env: { ...home.env, TZ: "UTC", ZAI_API_KEY: CANARY_KEY, ...env },
    fetch: httpFetch,
    now: () => new Date(),
    cwd: project,
    home: home.dir,
    origins: { international: intl.url, china: china.url },
  })
}
const byId = (checks: Check[], id: string) => checks.filter((c) => c.id === id)
const one = (checks: Check[], id: string) => {
  const found = byId(checks, id)
  expect(found, id).toHaveLength(1)
  return found[0]!
}

describe("doctor: a working set-up", () => {
  it("every check is ok, in order, and the key is nowhere", async () => {
    const checks = await doctor()
    expect(checks.map((c) => c.id)).toEqual([
      "key",
      "region",
      "subscription",
      "clock",
      "network",
      "opencode",
      "config",
      "models",
      "plugin",
      "files",
    ])
    for (const c of checks) expect(c, c.id).toMatchObject({ status: "ok", fix: "" })
    expect(one(checks, "key").found).toContain("ZAI_API_KEY")
    expect(one(checks, "subscription").found).toMatch(/pro, legacy token plan/)
    expect(one(checks, "clock").found).toMatch(/in step .* UTC/)
    expect(one(checks, "network").found).toMatch(/direct, no proxy, \d+ ms/)
    expect(JSON.stringify(checks)).not.toContain(CANARY_KEY)
    expect(china.count()).toBe(0) // the other region is asked only after a refusal
  })

  it("a credit plan is named as such", async () => {
    intl.set({ era: "credit" })
    expect(one(await doctor(), "subscription").found).toMatch(/credit plan/)
  })
})

describe("doctor: key", () => {
  it("no key: ✗ with the fix, the remote checks skipped", async () => {
    const checks = await doctor({ ZAI_API_KEY: "" })
    expect(one(checks, "key")).toMatchObject({ status: "fail", found: "no Coding Plan key found" })
    expect(one(checks, "key").fix).toMatch(/set ZAI_API_KEY .* ZHIPU_API_KEY/)
    expect(one(checks, "region").status).toBe("warn")
    expect(intl.count() + china.count()).toBe(0)
  })

  it("a key with whitespace or far too short: ⚠", async () => {
    expect(one(await doctor({ ZAI_API_KEY: "abc def" }), "key")).toMatchObject({ status: "warn" })
    expect(one(await doctor({ ZAI_API_KEY: "short" }), "key").found).toMatch(/only 5 characters/)
  })

  it("keys for both regions (env and auth.json): ⚠ naming both places, never the keys", async () => {
    mkdirSync(join(home.env.XDG_DATA_HOME!, "opencode"), { recursive: true })
    const auth = { "zhipuai-coding-plan": { type: "api", key: "another-key-for-bigmodel-0123456789" } }
    writeFileSync(join(home.env.XDG_DATA_HOME!, "opencode", "auth.json"), JSON.stringify(auth))
    const c = one(await doctor(), "key")
    expect(c.status).toBe("warn")
    expect(c.found).toContain("auth.json (zhipuai-coding-plan)")
    expect(c.found).not.toContain("another-key")
  })
})

describe("doctor: region and subscription", () => {
  it("a region-swapped key: ✗ naming the region it belongs to, one request to the other host", async () => {
    intl.set({ keys: ["some-other-international-key-0123"] })
    china.set({ keys: [CANARY_KEY] })
    const checks = await doctor()
    const r = one(checks, "region")
    expect(r.status).toBe("fail")
    expect(r.fix).toBe(
      "this key belongs to BigModel (China): use ZHIPU_API_KEY (or the zhipuai-coding-plan provider, --region china)",
    )
    expect(china.count(PATHS.quota)).toBe(1)
    expect(one(checks, "subscription").status).toBe("ok") // read from the host that took the key
  })

  it("inside OpenCode the advice names the plugin option, not the CLI flag", async () => {
    intl.set({ keys: ["some-other-international-key-0123"] })
    china.set({ keys: [CANARY_KEY] })
    const checks = await runDoctor({
      env: { ...home.env, ZAI_API_KEY: CANARY_KEY },
      fetch: httpFetch,
      now: () => new Date(),
      cwd: project,
      home: home.dir,
      origins: { international: intl.url, china: china.url },
      context: "opencode",
    })
    expect(one(checks, "region").fix).toMatch(/zhipuai-coding-plan provider, the plugin option "region": "china"\)$/)
  })

  it("a key refused by both hosts: ✗ with a new key as the fix", async () => {
    intl.set({ keys: ["x-0123456789012345678901"] })
    const r = one(await doctor(), "region")
    expect(r).toMatchObject({ status: "fail" })
    expect(r.fix).toMatch(/create a new key/)
  })

  it("no Coding Plan on the key (code 500): ✗", async () => {
    intl.set({ fault: { kind: "answer", status: 200, body: '{"code":500,"msg":"error","success":false}' } })
    const checks = await doctor()
    expect(one(checks, "region").status).toBe("ok")
    expect(one(checks, "subscription")).toMatchObject({ status: "fail", found: "no Coding Plan on this key" })
  })
})

describe("doctor: clock", () => {
  it("a clock 10 minutes off the API's Date header: ⚠ with the time zone", async () => {
    intl.set({ dateOffsetMs: -10 * 60_000 })
    const c = one(await doctor({ TZ: "Europe/Berlin" }), "clock")
    expect(c.status).toBe("warn")
    expect(c.found).toMatch(/10 minutes ahead of the API's; local times in Europe\/Berlin/)
    expect(c.fix).toMatch(/peak hours/)
  })

  it("no Date header: ⚠, not compared", async () => {
    intl.set({ dateOffsetMs: null })
    expect(one(await doctor(), "clock")).toMatchObject({ status: "warn" })
  })
})

describe("doctor: network", () => {
  it("a host that refuses connections: ✗ in plain words", async () => {
    const c = one(await doctor(), "network")
    expect(c.status).toBe("ok")
    const closed = await runDoctor({
      env: { ...home.env, ZAI_API_KEY: CANARY_KEY },
      fetch: httpFetch,
      now: () => new Date(),
      cwd: project,
      home: home.dir,
      origins: { international: "http://127.0.0.1:1", china: china.url },
    })
    expect(one(closed, "network")).toMatchObject({ status: "fail" })
    expect(one(closed, "network").found).toMatch(/Could not reach http:\/\/127\.0\.0\.1:1 \(connection refused\)/)
    expect(one(closed, "region").status).toBe("warn")
  })
})

describe("doctor: never throws", () => {
  it("file access and fetch that throw everywhere: ⚠ / ✗ lines, no exception", async () => {
    const boom = () => {
      throw new Error("boom")
    }
    const checks = await runDoctor({
      env: { ...home.env, ZAI_API_KEY: CANARY_KEY },
      fetch: async () => boom(),
      now: () => new Date(),
      cwd: project,
      home: home.dir,
      fs: { readText: boom, stat: boom, list: boom, writable: boom, freeBytes: boom },
      origins: { international: intl.url, china: china.url },
    })
    expect(checks.length).toBeGreaterThan(3)
    for (const c of checks) expect(["ok", "warn", "fail"]).toContain(c.status)
    expect(one(checks, "network").status).toBe("fail")
  })
})
