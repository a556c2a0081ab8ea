// Hostile and faulty inputs against the built CLI (issue 19): a cache directory that cannot be used, leases left by
// a dead run, FIFOs and damaged files where cache files go, redirects, a relay echoing the key, odd environments and
// odd answers. Each asserts what the user must get: no hang over the budget, no spinning, no crash, no key anywhere,
// nothing overwritten, one plain sentence.
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { PATHS } from "../../src/zai/client.ts"
import { MODELS_PATH } from "../../src/zai/models.ts"
import { CANARY_KEY, CLI, tempHome, type TempHome } from "../helpers.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { BUDGET_MS, loopback, modelsId, oneSentence, quotaId, runCliCpu, SLACK_MS } from "./hostile-support.ts"
import { leaks, walkFiles } from "./support.ts"

let sim: Simulator
let home: TempHome
beforeAll(async () => {
  sim = await startSimulator()
})
afterAll(() => sim.close())
beforeEach(() => {
  home = tempHome("glmq-hostile-")
  sim.set({ fault: null, latencyMs: 0 })
  sim.requests.length = 0
})
afterEach(() => home.cleanup())

const env = (extra: Record<string, string> = {}) => ({
  ...home.env,
  ZAI_API_KEY: CANARY_KEY,
  GLM_QUOTA_BASE_URL: sim.url,
  GLM_QUOTA_NOW: "2026-03-02T07:30:00Z",
  ...extra,
})
const cache = () => join(home.env.XDG_CACHE_HOME!, "glm-quota")
/** A busy wait of the old lease loop burnt ~15 s of CPU; a run that sleeps uses a fraction of one. */
const CPU_LIMIT_MS = 1000

describe("locks never spin and never outlive their owner", () => {
  it(
    "a cache directory that cannot be made: the report arrives, without spinning, and says so once",
    { timeout: 40_000 },
    async () => {
      const blocked = join(home.dir, "a-file")
      writeFileSync(blocked, "")
      const r = await runCliCpu(["--json"], env({ XDG_CACHE_HOME: blocked }))
      expect(r.code).toBe(0)
      expect(JSON.parse(r.stdout).schema).toBe(1)
      expect(r.ms).toBeLessThan(BUDGET_MS + SLACK_MS)
      expect(r.cpuMs).not.toBeNull()
      expect(r.cpuMs!).toBeLessThan(CPU_LIMIT_MS)
      expect(r.stderr).toMatch(/^glm-quota: The cache directory .* cannot be used \(.+\): .*XDG_CACHE_HOME.*\.\n$/)
      expect(statSync(blocked).isFile()).toBe(true)
    },
  )

  it(
    "a dangling <id>.lock symlink: the report arrives, without spinning; the link is left as it was",
    { timeout: 40_000 },
    async () => {
      mkdirSync(cache(), { recursive: true })
      const lock = join(cache(), `${quotaId(sim.url)}.lock`)
      symlinkSync(join(home.dir, "nowhere", "target"), lock)
      const r = await runCliCpu([], env())
      expect(r.code).toBe(0)
      expect(r.stdout).toContain("5-hour")
      expect(r.ms).toBeLessThan(BUDGET_MS + SLACK_MS)
      expect(r.cpuMs!).toBeLessThan(CPU_LIMIT_MS)
      expect(oneSentence(r.stderr)).toBe(true)
      expect(r.stderr).toContain("cannot be used")
      expect(existsSync(join(home.dir, "nowhere"))).toBe(false)
    },
  )

  it(
    "a run interrupted during its request leaves a lease; the next run takes it over at once",
    { timeout: 60_000 },
    async () => {
      const release = sim.hold()
      const child = spawn(process.execPath, [CLI, "--json"], {
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env() },
        stdio: "ignore",
      })
      const lock = join(cache(), `${quotaId(sim.url)}.lock`)
      const t0 = Date.now()
      while (!(existsSync(lock) && sim.count(PATHS.quota) === 1) && Date.now() - t0 < 20_000)
        await new Promise((r) => setTimeout(r, 20))
      expect(existsSync(lock)).toBe(true)
      const gone = new Promise((r) => child.on("close", r))
      child.kill("SIGKILL") // what Ctrl-C does to a run that had no time to clean up
      await gone
      release()
      expect(existsSync(lock)).toBe(true) // the lease outlived its owner…
      const r = await runCliCpu(["--json"], env())
      expect(r.code).toBe(0)
      // …and is taken over at once: nowhere near the 15 s a waiter would have waited for it.
      expect(r.ms).toBeLessThan(BUDGET_MS)
      expect(r.cpuMs!).toBeLessThan(CPU_LIMIT_MS)
      expect(sim.count(PATHS.quota)).toBe(2)
    },
  )

  it("parallel runs share one model-list request, as they share the quota's", { timeout: 60_000 }, async () => {
    sim.set({ latencyMs: 600 })
    const runs = await Promise.all([0, 1, 2, 3, 4].map(() => runCliCpu(["--json"], env())))
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0])
    expect(sim.count(PATHS.quota)).toBe(1)
    expect(sim.count(MODELS_PATH)).toBe(1)
  })
})

describe("every file read is a parse, not a trust", () => {
  it("a valid-JSON but incomplete cache entry is set aside; the run goes on, also while the API is down", async () => {
    mkdirSync(cache(), { recursive: true })
    const file = join(cache(), `${quotaId(sim.url)}.json`)
    const bad = JSON.stringify({ savedAt: Date.parse("2026-03-02T07:29:50Z"), snapshot: { windows: [{}] } })
    writeFileSync(file, bad)
    const r = await runCliCpu(["--json"], env())
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).windows.length).toBeGreaterThan(0)
    const aside = readdirSync(cache()).filter((f) => f.startsWith(`${quotaId(sim.url)}.json.damaged-`))
    expect(aside).toHaveLength(1)
    expect(readFileSync(join(cache(), aside[0]!), "utf8")).toBe(bad)
    // While the API is unreachable: one sentence, no crash (was: a TypeError on every run).
    writeFileSync(file, bad)
    const down = await runCliCpu([], env({ GLM_QUOTA_BASE_URL: "http://127.0.0.1:1" }))
    expect(down.code).toBe(1)
    expect(oneSentence(down.stderr)).toBe(true)
    expect(down.stderr).toContain("Could not reach")
  })

  it("a damaged model-list file is set aside and the list asked again", async () => {
    mkdirSync(cache(), { recursive: true })
    const file = join(cache(), `${modelsId(sim.url)}.json`)
    writeFileSync(file, '{"savedAt":"yesterday","ids":{"0":"glm-5"}}')
    const r = await runCliCpu(["--json"], env())
    expect(r.code).toBe(0)
    expect(sim.count(MODELS_PATH)).toBe(1)
    expect(readdirSync(cache()).some((f) => f.startsWith(`${modelsId(sim.url)}.json.damaged-`))).toBe(true)
    expect(JSON.parse(readFileSync(file, "utf8")).ids.length).toBeGreaterThan(0)
  })

  it(
    "a FIFO where the cache entry, the model list, the lease or this machine's record goes: no hang",
    { timeout: 60_000 },
    async () => {
      mkdirSync(cache(), { recursive: true })
      const state = join(home.env.XDG_STATE_HOME!, "glm-quota")
      mkdirSync(state, { recursive: true })
      const fifos = [
        join(cache(), `${quotaId(sim.url)}.json`),
        join(cache(), `${modelsId(sim.url)}.json`),
        join(cache(), `${modelsId(sim.url)}.lock`),
        join(state, "events-2026-03-02.jsonl"),
      ]
      for (const f of fifos) expect(spawnSync("mkfifo", [f]).status).toBe(0)
      const r = await runCliCpu([], env())
      expect(r.ms).toBeLessThan(BUDGET_MS + SLACK_MS)
      expect(r.code).toBe(0)
      expect(r.stdout).toContain("5-hour")
      // The lease and the record are left as they are; a cache entry may be replaced by a good one (an atomic rename,
      // never a write through the FIFO).
      for (const f of fifos.slice(2)) expect(statSync(f).isFIFO()).toBe(true)
      for (const f of fifos.slice(0, 2))
        if (!statSync(f).isFIFO()) expect(JSON.parse(readFileSync(f, "utf8")).savedAt).toBeGreaterThan(0)
      const line = await runCliCpu(["--line"], env())
      expect(line.ms).toBeLessThan(BUDGET_MS + SLACK_MS)
      expect(line.stdout).toMatch(/^GLM /)
    },
  )

  it("a directory where the cache entry goes leaves no temp file behind, run after run", async () => {
    mkdirSync(join(cache(), `${quotaId(sim.url)}.json`), { recursive: true })
    for (let i = 0; i < 2; i++) expect((await runCliCpu(["--json"], env())).code).toBe(0)
    expect(readdirSync(cache()).filter((f) => f.endsWith(".tmp"))).toEqual([])
  })
})

describe("one HTTP policy: no redirect to another origin is followed", () => {
  for (const [name, extra] of [
    ["node:http", {}],
    [
      "undici (a proxy variable set, the monitor host exempt)",
      { HTTPS_PROXY: "http://127.0.0.1:9", NO_PROXY: "127.0.0.1" },
    ],
  ] as const) {
    it(`${name}: the redirect is an error naming the origin; that origin's 401 never drops the cached reading`, async () => {
      const elsewhere = await loopback((res) => {
        res.writeHead(401, { "content-type": "application/json" })
        res.end('{"code":401,"msg":"token expired","success":false}')
      })
      try {
        // A good reading first, then made older than the fresh interval: the next run asks again.
        expect((await runCliCpu(["--json"], env())).code).toBe(0)
        const file = join(cache(), `${quotaId(sim.url)}.json`)
        const entry = JSON.parse(readFileSync(file, "utf8"))
        entry.savedAt -= 10 * 60_000
        writeFileSync(file, JSON.stringify(entry))
        sim.set({ fault: { kind: "answer", status: 302, body: "", headers: { location: `${elsewhere.url}/steal` } } })
        const r = await runCliCpu(["--json"], env(extra))
        expect(elsewhere.hits).toBe(0)
        expect(existsSync(file)).toBe(true)
        expect(r.code).toBe(0)
        expect(JSON.parse(r.stdout).stale).toBe(true)
        expect(r.stderr).toContain(`redirected the request to ${elsewhere.origin}`)
        expect(oneSentence(r.stderr), r.stderr).toBe(true)
      } finally {
        await elsewhere.close()
      }
    })
  }
})

const quotaBody = (data: unknown) => JSON.stringify({ code: 200, msg: "ok", success: true, data })
const answer = (data: unknown) => ({ kind: "answer" as const, status: 200, body: quotaBody(data) })

describe("nothing the user did not type reaches the terminal raw", () => {
  it("a relay echoing the key in data fields: no key in stdout, stderr or any file", async () => {
    sim.set({
      fault: answer({
        level: `pro ${CANARY_KEY}`,
        limits: [
          { type: "TOKENS_LIMIT", unit: 3, number: 5, percentage: 20, nextResetTime: 1772441000000 },
          { type: `X_${CANARY_KEY}`, unit: 9, number: 1, percentage: 5 },
          {
            type: "TIME_LIMIT",
            unit: 5,
            number: 1,
            usage: 100,
            currentValue: 3,
            remaining: 97,
            percentage: 3,
            usageDetails: [{ modelCode: CANARY_KEY, usage: 3 }],
          },
        ],
      }),
    })
    const out: string[] = []
    for (const args of [["--json"], [], ["--line"]]) {
      const r = await runCliCpu(args, env())
      expect(r.code).toBe(0)
      out.push(r.stdout, r.stderr)
    }
    expect(leaks(out.join("\n"))).toEqual([])
    for (const f of walkFiles(home.dir)) expect(leaks(f.text)).toEqual([])
  })

  it("session ids of this machine's record are cleaned like server text", async () => {
    const state = join(home.env.XDG_STATE_HOME!, "glm-quota")
    mkdirSync(state, { recursive: true })
    const t = Date.parse("2026-03-02T07:00:00Z")
    const sid = "ses_\u001b]0;pwned\u0007evil\u202eexe"
    writeFileSync(join(state, "events-2026-03-02.jsonl"), `${JSON.stringify(["p", t, sid, "glm-5"])}\n`.repeat(3))
    for (const args of [["--json"], []]) {
      const r = await runCliCpu(args, env())
      expect(r.code).toBe(0)
      expect(r.stdout).not.toMatch(/[\u001b\u0007\u202e]/)
      if (args[0] === "--json") expect(JSON.parse(r.stdout).local.summary.sessions[0].session).toBe("ses_evilexe")
    }
  })

  it("a password in GLM_QUOTA_BASE_URL is never echoed", async () => {
    const r = await runCliCpu([], env({ GLM_QUOTA_BASE_URL: "http://alice:s3cr3t-pass@127.0.0.1:1" }))
    expect(r.code).toBe(1)
    expect(oneSentence(r.stderr)).toBe(true)
    expect(r.stderr + r.stdout).not.toContain("s3cr3t")
  })

  it("absurd numbers and far dates are shown as such; thousands of unknown rows are summarised", async () => {
    const limits = [
      { type: "TOKENS_LIMIT", unit: 3, number: 5, percentage: 20, nextResetTime: Date.parse("2027-06-01T00:00:00Z") },
      { type: "TIME_LIMIT", unit: 5, number: 1, usage: 1e308, currentValue: 3, remaining: 1e308, percentage: 3 },
      ...Array.from({ length: 10_000 }, (_, i) => ({ type: `ODD_${i}`, unit: 99, number: i, percentage: 1 })),
    ]
    sim.set({ fault: answer({ level: "pro", limits }) })
    const r = await runCliCpu([], env())
    expect(r.code).toBe(0)
    const flat = r.stdout.replace(/\s+/g, " ")
    expect(flat).not.toMatch(/\d{16}/)
    expect(flat).toContain("over 1,000,000,000,000")
    expect(flat).toContain("Jun 1 2027")
    expect(r.stdout.split("\n").length).toBeLessThan(200)
    expect(flat).toContain("9,988 more rows")
  })

  it("an impossible TZ is named and UTC used (no NaN); LANG=C gets ASCII bars", async () => {
    const r = await runCliCpu([], env({ TZ: "UTC+24" }))
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain("NaN")
    expect(r.stderr).toContain('TZ="UTC+24"')
    expect(oneSentence(r.stderr)).toBe(true)
    for (const args of [[], ["--line"]]) {
      const c = await runCliCpu(args, env({ LANG: "C" }))
      expect(c.code).toBe(0)
      expect(c.stdout).not.toMatch(/[█░]/)
      expect(c.stdout).toMatch(/#|-{3}/)
    }
  })
})

describe("honest exit codes", () => {
  it("output to /dev/full or a closed pipe exits 1", { timeout: 40_000 }, async () => {
    // Spawned asynchronously: the simulator answers from this process, which spawnSync would block.
    for (const args of [["--json"], ["--line"]]) {
      const full = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const c = spawn("sh", ["-c", `"${process.execPath}" "${CLI}" ${args.join(" ")} > /dev/full`], {
          env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env() },
        })
        let stderr = ""
        c.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
        c.on("close", (status) => resolve({ status, stderr }))
      })
      expect(full.status).toBe(1)
      expect(full.stderr).not.toMatch(/\bat .+:\d+:\d+/)
    }
    const closed = await new Promise<number | null>((resolve) => {
      const c = spawn(process.execPath, [CLI], { env: { PATH: process.env.PATH ?? "", ...env() } })
      c.stdout.destroy()
      c.on("close", resolve)
    })
    expect(closed).toBe(1)
  })

  it("an invalid GLM_QUOTA_BASE_URL is a named configuration error, for the report and the doctor", async () => {
    for (const args of [[], ["doctor"]]) {
      const r = await runCliCpu(args, env({ GLM_QUOTA_BASE_URL: "not a url" }))
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^glm-quota: GLM_QUOTA_BASE_URL is not an http or https address: .*\.\n$/)
    }
  })

  it("--line's exit status follows the windows its text shows (duplicate rows)", async () => {
    sim.set({
      fault: answer({
        level: "pro",
        limits: [
          { type: "TOKENS_LIMIT", unit: 3, number: 5, percentage: 10, nextResetTime: 1772441000000 },
          { type: "TOKENS_LIMIT", unit: 3, number: 5, percentage: 100, nextResetTime: 1772441000000 },
        ],
      }),
    })
    const r = await runCliCpu(["--line"], env())
    expect(r.code).toBe(2)
    expect(r.stdout).toContain("100%")
  })
})
