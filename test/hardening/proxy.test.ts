// HTTPS_PROXY and NO_PROXY: the CLI reaches a TLS simulator through a real loopback CONNECT proxy, or around it.
// The simulator serves https with a certificate made for this run; the CLI trusts it through NODE_EXTRA_CA_CERTS.
// reads: dist/ (spawns the built CLI; the test setup builds it first)
import { MODELS_PATH } from "../../src/zai/models.ts"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { PATHS } from "../../src/zai/client.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { runCli, tempHome, type CliRun, type TempHome } from "../helpers.ts"
import { CANARY_KEY, leaks, makeCert, startConnectProxy, type ConnectProxy, type TestCert } from "./support.ts"

let certDir: string
let cert: TestCert
let sim: Simulator
let proxy: ConnectProxy
let home: TempHome

beforeAll(async () => {
  certDir = mkdtempSync(join(tmpdir(), "glmq-tls-"))
  cert = makeCert(certDir)
  sim = await startSimulator({
    tls: { key: cert.key, cert: cert.cert },
    state: { keys: [CANARY_KEY] },
    now: () => new Date("2026-03-02T07:30:00Z"),
  })
})
afterAll(async () => {
  await sim.close()
  rmSync(certDir, { recursive: true, force: true })
})
beforeEach(async () => {
  home = tempHome()
  proxy = await startConnectProxy()
  sim.requests.length = 0
})
afterEach(async () => {
  await proxy.close()
  home.cleanup()
})

const target = () => `127.0.0.1:${sim.port}`
const env = (extra: Record<string, string> = {}) => ({
  ...home.env,
  ZAI_API_KEY: CANARY_KEY,
  GLM_QUOTA_BASE_URL: sim.url,
  GLM_QUOTA_NOW: "2026-03-02T07:30:00Z",
  NODE_EXTRA_CA_CERTS: cert.certFile,
  ...extra,
})

function expectReport(run: CliRun) {
  expect(run.stderr).toBe("")
  expect(run.code).toBe(0)
  expect(JSON.parse(run.stdout)).toMatchObject({ schema: 1, plan: "pro", stale: false })
}

describe("the TLS simulator", () => {
  it("serves https on a loopback port", () => {
    expect(sim.url).toBe(`https://127.0.0.1:${sim.port}`)
  })

  it("without the test certificate trusted, the CLI refuses it with one sentence", async () => {
    const run = await runCli(["--json"], env({ NODE_EXTRA_CA_CERTS: "" }))
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /^glm-quota: Could not reach https:\/\/127\.0\.0\.1:\d+ \(TLS certificate problem\).*\.\n$/,
    )
    expect(sim.count()).toBe(0)
  })
})

describe("HTTPS_PROXY", () => {
  it("the CLI reaches the simulator through the CONNECT proxy", async () => {
    const run = await runCli(["--json"], env({ HTTPS_PROXY: proxy.url }))
    expectReport(run)
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1)
    expect(new Set(proxy.tunnels)).toEqual(new Set([target()]))
    expect(proxy.plain).toEqual([])
    expect(sim.count(PATHS.quota)).toBe(1)
  })

  it("lower-case https_proxy works as well", async () => {
    expectReport(await runCli(["--json"], env({ https_proxy: proxy.url })))
    expect(proxy.tunnels).toContain(target())
  })

  it("the key travels inside the tunnel only: the proxy never sees it", async () => {
    expectReport(await runCli(["--json", "--full"], env({ HTTPS_PROXY: proxy.url })))
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1)
    expect(proxy.headers.flatMap(leaks)).toEqual([])
    expect(
      sim.requests.every((r) => r.authorization === (r.path === MODELS_PATH ? `Bearer ${CANARY_KEY}` : CANARY_KEY)),
    ).toBe(true)
  })

  it("a proxy that is down ends in one sentence naming the proxy, and no request reaches the API", async () => {
    const dead = createServer()
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r))
    const port = (dead.address() as { port: number }).port
    await new Promise<void>((r) => dead.close(() => r()))
    const run = await runCli(["--json"], env({ HTTPS_PROXY: `http://127.0.0.1:${port}` }))
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1)
    expect(run.stderr).toMatch(/^glm-quota: Could not reach .*HTTPS_PROXY.*\.\n$/)
    expect(sim.count()).toBe(0)
  })
})

describe("NO_PROXY", () => {
  it("NO_PROXY=127.0.0.1 bypasses the proxy", async () => {
    expectReport(await runCli(["--json"], env({ HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1" })))
    expect(proxy.tunnels).toEqual([])
    expect(sim.count(PATHS.quota)).toBe(1)
  })

  it("a NO_PROXY naming another host keeps the proxy", async () => {
    expectReport(await runCli(["--json"], env({ HTTPS_PROXY: proxy.url, NO_PROXY: "example.com,.internal" })))
    expect(proxy.tunnels).toContain(target())
  })

  it("NO_PROXY=* bypasses every proxy", async () => {
    expectReport(await runCli(["--json"], env({ HTTPS_PROXY: proxy.url, NO_PROXY: "*" })))
    expect(proxy.tunnels).toEqual([])
  })
})
