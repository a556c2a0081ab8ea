// Hostile inputs below the CLI (issue 19): option values and names, the lease with a dead owner or a directory that
// cannot hold one (no spinning: the waits are counted), and the HTTP policy under Bun — the opencode binary's own Bun
// (BUN_BE_BUN=1) running the client with its global fetch, as the plugin halves do inside OpenCode.
// runs: test/hosts/ (the real OpenCode 1.18.33 binary; the test setup installs it)
import { hostBin } from "../hosts/hosts.ts"
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { parseOptions } from "../../src/options/server.ts"
import { parseTuiOptions } from "../../src/options/tui.ts"
import { acquire, leaseFile, withLease } from "../../src/zai/lock.ts"
import { ROOT } from "../helpers.ts"
import { fakeClient } from "./support.ts"
import { loopback } from "./hostile-support.ts"
import { pluginEnv, startServer } from "../opencode/support.ts"
import { tempHome } from "../helpers.ts"

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "glmq-hu-"))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe("option bounds", () => {
  it("refreshInterval 1e308 (either half) is the default, and the problem names the range and the default", () => {
    for (const parse of [parseOptions, (o: unknown) => parseTuiOptions(o)]) {
      const { settings, problems } = parse({ refreshInterval: 1e308, thresholds: [0.5, 1e9] })
      expect(settings.refreshInterval).toBe(60)
      expect(settings.thresholds).toEqual([80, 95])
      expect(problems.join(" ")).toMatch(/refreshInterval \(expected seconds from 30 to 3600; the default 60 is used\)/)
    }
    expect(parseOptions({ guard: { limits: { default: 1e9 } } }).problems[0]).toMatch(/^guard/)
    expect(parseOptions({ peak: { offPeakGlm5Multiplier: 1e308 } }).problems.join()).toMatch(/offPeakGlm5Multiplier/)
  })

  it("names inherited from Object.prototype are unknown options", () => {
    const { problems } = parseOptions(JSON.parse('{"toString":1,"constructor":2,"__proto__":3}'))
    expect(problems).toEqual([
      "toString (unknown option)",
      "constructor (unknown option)",
      "__proto__ (unknown option)",
    ])
    expect(parseTuiOptions({ hasOwnProperty: 1 }).problems).toEqual(["hasOwnProperty (unknown option)"])
  })

  it("the server half's start-up toast names refreshInterval and its default", async () => {
    const fake = fakeClient()
    const home = tempHome("glmq-hu-home-")
    try {
      const hooks = await startServer(
        fake.input,
        { refreshInterval: 1e308, baseUrl: "http://127.0.0.1:1" },
        { env: pluginEnv(home), now: () => new Date("2026-03-02T07:30:00Z") },
      )
      await hooks["chat.message"]!({ sessionID: "s" } as never, {} as never)
      const warn = fake.toasts.filter((t) => t.title.includes("invalid options"))
      expect(warn.map((t) => t.message).join()).toMatch(
        /refreshInterval \(expected seconds from 30 to 3600; the default 60/,
      )
    } finally {
      home.cleanup()
    }
  })
})

/** Counts the waits of withLease: a busy loop makes thousands of looks without one. */
function counting() {
  const sleeps: number[] = []
  return { sleeps, sleep: (ms: number) => (sleeps.push(ms), new Promise<void>((r) => setTimeout(r, ms))) }
}

describe("the lease never spins and never outlives its owner", () => {
  it("a lease whose owner process is gone is taken over at once, however young", () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!
    writeFileSync(leaseFile(dir, "x"), JSON.stringify({ token: "t", pid: dead, start: Date.now(), at: Date.now() }))
    const got = acquire({ dir, id: "x" })
    expect(got.kind).toBe("acquired")
    if (got.kind === "acquired") got.lease.release()
    // A living owner's young lease is respected.
    writeFileSync(leaseFile(dir, "x"), JSON.stringify({ token: "t", pid: process.ppid, at: Date.now() }))
    expect(acquire({ dir, id: "x" }).kind).toBe("held")
  })

  for (const [name, prepare] of [
    ["a dangling <id>.lock symlink", () => symlinkSync(join(dir, "gone"), leaseFile(dir, "x"))],
    ["a FIFO at <id>.lock", () => spawnSync("mkfifo", [leaseFile(dir, "x")])],
    ["a directory that is a file", () => writeFileSync(join(dir, "sub"), "")],
  ] as const) {
    it(`${name}: unusable — run at once, said once, no wait and no loop`, async () => {
      prepare()
      const target = name.startsWith("a directory") ? join(dir, "sub") : dir
      const w = counting()
      const said: string[] = []
      let looks = 0
      const r = await withLease(
        {
          dir: target,
          id: "x",
          waitMs: 5000,
          sleep: w.sleep,
          reuse: () => (looks++, null),
          onUnusable: (why) => said.push(why),
        },
        async () => "ran",
      )
      expect(r).toBe("ran")
      expect(w.sleeps).toEqual([])
      expect(looks).toBe(0)
      expect(said).toHaveLength(1)
      expect(existsSync(join(dir, "gone"))).toBe(false)
    })
  }

  it("a waiter's looks back off: few over a whole wait, each after a pause", async () => {
    const held = acquire({ dir, id: "x" })
    expect(held.kind).toBe("acquired")
    const w = counting()
    await withLease({ dir, id: "x", waitMs: 1500, sleep: w.sleep, reuse: () => null }, async () => "ran")
    expect(w.sleeps.length).toBeGreaterThan(2)
    expect(w.sleeps.length).toBeLessThan(15)
    expect(w.sleeps.slice(0, 3)).toEqual([25, 50, 100])
    if (held.kind === "acquired") held.lease.release()
  })
})

// The Bun inside the pinned 1.18.33 binary (test/hosts), installed by the test setup (the marker at the top).
const OPENCODE = hostBin(1)

/** The fixture under the binary's Bun, asynchronously (the servers answer from this process). */
function underBun(
  origin: string,
): Promise<{ result: { ok: boolean; error?: { message: string } }; ms: number; runtime: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(OPENCODE, [join(ROOT, "test/hardening/fixtures/bun-http.ts"), origin], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", BUN_BE_BUN: "1", HOME: dir },
    })
    let out = ""
    let err = ""
    c.stdout.on("data", (d: Buffer) => (out += d.toString()))
    c.stderr.on("data", (d: Buffer) => (err += d.toString()))
    const timer = setTimeout(() => c.kill("SIGKILL"), 40_000)
    c.on("close", (code) => {
      clearTimeout(timer)
      if (code !== 0) return reject(new Error(`bun exited ${code}: ${err.slice(-1500)}`))
      resolve(JSON.parse(out.trim().split("\n").at(-1)!))
    })
  })
}

describe.runIf(existsSync(OPENCODE))("one HTTP policy under Bun (the opencode binary's own)", () => {
  it("a declared 200 MB body is refused and its download stopped", { timeout: 60_000 }, async () => {
    let sent = 0
    const huge = await loopback((res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(200 * 2 ** 20) })
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      const pump = () => {
        while (!res.destroyed && sent < 200 * 2 ** 20) {
          sent += chunk.length
          if (!res.write(chunk)) return void res.once("drain", pump)
        }
      }
      res.on("close", () => undefined)
      pump()
    })
    try {
      const r = await underBun(huge.url)
      expect(r.runtime).toBe("bun")
      expect(r.result.ok).toBe(false)
      expect(r.result.error!.message).toMatch(/far larger than a quota answer/)
      // The server stopped being read long before the 200 MB: a few socket buffers at most.
      expect(sent).toBeLessThan(32 * 2 ** 20)
    } finally {
      await huge.close()
    }
  })

  it("a redirect to another origin is not followed, and names that origin", { timeout: 60_000 }, async () => {
    const elsewhere = await loopback((res) => {
      res.writeHead(401, { "content-type": "application/json" })
      res.end('{"code":401,"msg":"token expired","success":false}')
    })
    const relay = await loopback((res) => {
      res.writeHead(302, { location: `${elsewhere.url}/api/monitor/usage/quota/limit` })
      res.end()
    })
    try {
      const r = await underBun(relay.url)
      expect(r.runtime).toBe("bun")
      expect(elsewhere.hits).toBe(0)
      expect(r.result.ok).toBe(false)
      expect(r.result.error!.message).toContain(`redirected the request to ${elsewhere.origin}`)
    } finally {
      await Promise.all([relay.close(), elsewhere.close()])
    }
  })
})
