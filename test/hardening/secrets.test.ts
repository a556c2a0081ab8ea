// The key never leaves the Authorization header: not to stdout or stderr, not into toasts, session messages, logs or
// tool output, not into any file under HOME (cache, state), whatever happens — success, every failure kind, stale,
// and a server that echoes the key back in its error message. Files the project writes are 0600 in 0700 directories.
// reads: dist/ (spawns the built CLI; the test setup builds it first)
import { MODELS_PATH } from "../../src/zai/models.ts"
import { mkdirSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { join, relative } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import type { Hooks } from "@opencode-ai/plugin"
import { COMMAND } from "../../src/opencode/instance.ts"
import { startSimulator, type Fault, type SimState, type Simulator } from "../support/simulator.ts"
import { tempHome, type TempHome } from "../helpers.ts"
import { homes, pluginEnv, startServer } from "../opencode/support.ts"
import { CANARY_KEY, fakeClient, leaks, runCliProbed, walkFiles, type FakeClient } from "./support.ts"

const NOW = "2026-03-02T07:30:00Z"
const NOW_MS = Date.parse(NOW)
const LATER = new Date(NOW_MS + 10 * 60_000).toISOString()

const answer = (status: number, body: string, headers?: Record<string, string>): Fault => ({
  kind: "answer",
  status,
  body,
  ...(headers ? { headers } : {}),
})

/** A server that puts the key it received into its error message, as some gateways do. */
// A code that means nothing in particular, so the server's (hostile) words are quoted: 500 would mean "no Coding Plan".
const ECHO = answer(
  200,
  JSON.stringify({ code: 1234, msg: `invalid api key: Bearer ${CANARY_KEY} (${CANARY_KEY})`, success: false }),
)
const ECHO_LONG = answer(200, JSON.stringify({ code: 1234, msg: `${"x".repeat(100)} ${CANARY_KEY}`, success: false }))
const ECHO_THROTTLED = answer(
  200,
  JSON.stringify({ code: 1302, msg: `rate limit for key ${CANARY_KEY}, 稍后再试`, success: false }),
)

interface Scenario {
  name: string
  state?: Partial<SimState>
  /** Applied after a first good run (a stale reading then). */
  thenFault?: Fault
  args?: string[]
  env?: Record<string, string>
  /** Expected CLI exit status. */
  exit: number
}

// One scenario per outcome: success, each failure kind (no_key, auth, rate_limited, timeout, network, server,
// bad_response, wrong_region), stale, and a server that echoes the key.
const CLI_SCENARIOS: Scenario[] = [
  { name: "success, terminal", exit: 0 },
  { name: "success, --json --full", args: ["--json", "--full"], exit: 0 },
  { name: "success, --no-cache", args: ["--no-cache", "--json"], exit: 0 },
  { name: "no key for the asked region", args: ["--region", "china"], exit: 1 },
  { name: "key rejected (200, code 401)", state: { keys: ["another-key"] }, exit: 1 },
  { name: "throttled (429)", state: { fault: answer(429, "{}", { "retry-after": "120" }) }, exit: 1 },
  { name: "timeout", state: { fault: { kind: "hang" } }, exit: 1 },
  { name: "connection reset", state: { fault: { kind: "reset" } }, exit: 1 },
  { name: "HTML 502", state: { fault: answer(502, "<html>Bad Gateway</html>") }, exit: 1 },
  { name: "empty answer (wrong region)", state: { fault: answer(200, "") }, exit: 1 },
  { name: "truncated answer", state: { fault: answer(200, '{"code":200,"data":{"limits":[{') }, exit: 1 },
  { name: "the server echoes the key in its error", state: { fault: ECHO }, exit: 1 },
  { name: "the server echoes the key after 100 characters", state: { fault: ECHO_LONG }, exit: 1 },
  { name: "the server echoes the key in a throttling message", state: { fault: ECHO_THROTTLED }, exit: 1 },
  { name: "stale: the server fails after a good reading", thenFault: answer(502, "<html>Bad Gateway</html>"), exit: 0 },
  { name: "stale: the server echoes the key after a good reading", thenFault: ECHO, exit: 0 },
]

const sims: Simulator[] = []
async function sim(state: Partial<SimState> = {}): Promise<Simulator> {
  const s = await startSimulator({ state: { keys: [CANARY_KEY], ...state }, now: () => new Date(NOW_MS) })
  sims.push(s)
  return s
}
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()))
})

function expectNoLeak(where: string, text: string) {
  expect(leaks(text), `the key leaked into ${where}`).toEqual([])
}

/** No file under HOME holds the key; every file the project wrote is 0600 in a 0700 directory. */
function expectHomeClean(home: TempHome, ours: string[] = []) {
  const files = walkFiles(home.dir).filter((f) => !ours.includes(f.path))
  for (const f of files) {
    expectNoLeak(relative(home.dir, f.path), f.text)
    expect(f.mode, `${relative(home.dir, f.path)} mode`).toBe(0o600)
    expect(f.dirMode, `${relative(home.dir, f.path)} directory mode`).toBe(0o700)
  }
  return files
}

function expectRequestsClean(s: Simulator) {
  for (const r of s.requests) {
    expectNoLeak("a request URL", r.path + JSON.stringify(r.query))
    // The monitor API takes the raw key; the coding endpoint's model list, OpenAI style, a Bearer token.
    if (r.authorization !== undefined)
      expect(r.authorization).toBe(r.path === MODELS_PATH ? `Bearer ${CANARY_KEY}` : CANARY_KEY)
  }
}

// Every test runs concurrently with the others (own simulator, own plugin instance, own HOME for the CLI).
describe.concurrent("secrets", () => {
  describe.concurrent("CLI: the key is nowhere in the output or under HOME", () => {
    for (const sc of CLI_SCENARIOS) {
      it(
        sc.name,
        async () => {
          const s = await sim(sc.state)
          const home = tempHome()
          try {
            const env = {
              ...home.env,
              ZAI_API_KEY: CANARY_KEY,
              GLM_QUOTA_BASE_URL: s.url,
              GLM_QUOTA_NOW: NOW,
              ...sc.env,
            }
            const outputs: string[] = []
            if (sc.thenFault) {
              const first = await runCliProbed(["--json", ...(sc.args?.includes("--full") ? ["--full"] : [])], env)
              expect(first.code).toBe(0)
              outputs.push(first.stdout, first.stderr)
              s.set({ fault: sc.thenFault })
              env.GLM_QUOTA_NOW = LATER
            }
            const run = await runCliProbed(sc.args ?? [], env)
            expect(run.code).toBe(sc.exit)
            outputs.push(run.stdout, run.stderr)
            if (sc.thenFault) expect(run.stderr).toMatch(/^glm-quota: .+\.\n$/)
            for (const o of outputs) expectNoLeak("the CLI's output", o)
            const files = expectHomeClean(home)
            if (sc.exit !== 1 && !sc.args?.includes("--no-cache")) expect(files.length).toBeGreaterThan(0) // the cache was written, and checked
            expectRequestsClean(s)
          } finally {
            home.cleanup()
          }
        },
        30_000,
      )
    }

    it("the key from OpenCode's auth.json, also on failure", async () => {
      const s = await sim({ fault: ECHO })
      const home = tempHome()
      try {
        const dir = join(home.env.XDG_DATA_HOME!, "opencode")
        mkdirSync(dir, { recursive: true })
        const auth = join(dir, "auth.json")
        writeFileSync(auth, JSON.stringify({ "zai-coding-plan": { type: "api", key: CANARY_KEY } }))
        const env = { ...home.env, GLM_QUOTA_BASE_URL: s.url, GLM_QUOTA_NOW: NOW }
        const bad = await runCliProbed(["--json"], env)
        expect(bad.code).toBe(1)
        expect(s.requests.at(-1)!.authorization).toBe(CANARY_KEY)
        s.set({ fault: null })
        const good = await runCliProbed([], env)
        expect(good.code).toBe(0)
        for (const o of [bad.stdout, bad.stderr, good.stdout, good.stderr]) expectNoLeak("the CLI's output", o)
        expectHomeClean(home, [auth])
      } finally {
        home.cleanup()
      }
    })

    it("connection refused", async () => {
      const blocker = createServer()
      await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r))
      const port = (blocker.address() as { port: number }).port
      await new Promise<void>((r) => blocker.close(() => r()))
      const home = tempHome()
      try {
        const run = await runCliProbed([], {
          ...home.env,
          ZAI_API_KEY: CANARY_KEY,
          GLM_QUOTA_BASE_URL: `http://127.0.0.1:${port}`,
        })
        expect(run.code).toBe(1)
        expectNoLeak("the CLI's output", run.stdout + run.stderr)
        expectHomeClean(home)
      } finally {
        home.cleanup()
      }
    })
  })

  // ---------------------------------------------------------------------------------------------------------------------
  // The plugin, in process: everything the fake OpenCode client received, every tool answer, every file. Each scenario
  // builds its instances with the factory, over a HOME of its own (the key in their env), on a clock it holds.

  const pluginHomes = homes("glmq-secrets-")
  afterAll(() => pluginHomes.cleanup())

  /** One plugin instance: a process of its own (fresh state) over `home`, at `at`. */
  function plugin(fake: FakeClient, home: TempHome, options: Record<string, unknown>, at = NOW_MS): Promise<Hooks> {
    return startServer(fake.input, options, { env: pluginEnv(home), now: () => new Date(at) })
  }

  const ev = (type: string, properties: Record<string, unknown>) => ({ event: { type, properties } }) as never
  const ctx = {} as never

  /** Drives every hook the way a session does; returns the tool answers. */
  async function session(hooks: Hooks, id: string): Promise<string[]> {
    const said: string[] = []
    await hooks.config!({ model: "zai-coding-plan/glm-5" } as never)
    await hooks.event!(ev("session.created", { info: { id } }))
    await hooks["chat.message"]!(
      { sessionID: id, model: { providerID: "zai-coding-plan", modelID: "glm-5" } } as never,
      { message: {}, parts: [] } as never,
    )
    for (const args of ["", "full", "json"]) {
      await hooks["command.execute.before"]!({ command: COMMAND, sessionID: id, arguments: args }, { parts: [] }).catch(
        (err: Error) => said.push(err.message),
      )
    }
    said.push(JSON.stringify(await hooks.tool!.glm_quota!.execute({}, ctx)))
    for (const window of ["five_hour", "weekly", "mcp_monthly"])
      said.push(JSON.stringify(await hooks.tool!.glm_quota!.execute({ window }, ctx)))
    said.push(JSON.stringify(await hooks.tool!.glm_model!.execute({}, ctx)))
    await hooks.event!(ev("session.idle", { sessionID: id }))
    await hooks.event!(
      ev("session.error", {
        sessionID: id,
        error: {
          data: {
            responseBody: `{"error":{"code":"1308","message":"Usage limit reached for 5 hour. Your limit will reset at 2026-03-02 18:12:00 key ${CANARY_KEY}"}}`,
          },
        },
      }),
    )
    await hooks.event!(
      ev("session.error", {
        sessionID: id,
        error: {
          data: { responseBody: `{"error":{"code":"1113","message":"Insufficient balance for ${CANARY_KEY}"}}` },
        },
      }),
    )
    await new Promise((r) => setTimeout(r, 50))
    await hooks.dispose?.()
    return said
  }

  function expectClientClean(fake: FakeClient, said: string[]) {
    expect(fake.raw.length).toBeGreaterThan(0)
    for (const r of fake.raw) expectNoLeak("a call to the OpenCode client (toast, log or session message)", r)
    for (const s of said) expectNoLeak("a tool answer or the command's error", s)
  }

  const PLUGIN_SCENARIOS: {
    name: string
    state?: Partial<SimState>
    options?: Record<string, unknown>
    stale?: Fault
  }[] = [
    { name: "success, with quota, peak and model warnings", state: { fiveHourPercent: 96 } },
    { name: "key rejected", state: { keys: ["another-key"] } },
    {
      name: "key missing at the API",
      state: { fault: answer(200, '{"code":1001,"msg":"Authorization Token Missing","success":false}') },
    },
    { name: "throttled", state: { fault: answer(429, "{}", { "retry-after": "300" }) } },
    { name: "server error (404, not retried)", state: { fault: answer(404, "<html>Not Found</html>") } },
    { name: "empty answer", state: { fault: answer(200, "") } },
    { name: "truncated answer", state: { fault: answer(200, '{"code":200,"data":{"limits":[{') } },
    { name: "connection reset", state: { fault: { kind: "reset" } } },
    { name: "the server echoes the key in its error", state: { fault: ECHO } },
    { name: "the server echoes the key after 100 characters", state: { fault: ECHO_LONG } },
    { name: "the server echoes the key in a throttling message", state: { fault: ECHO_THROTTLED } },
    {
      name: "invalid options that carry the key",
      options: { apiKey: CANARY_KEY, region: CANARY_KEY, policy: CANARY_KEY },
    },
    { name: "stale after a failure", stale: answer(404, "Not Found") },
    { name: "stale after an echoing failure", stale: ECHO },
  ]

  describe("plugin hooks: the key is in nothing the client, the tools or the disk received", () => {
    for (const sc of PLUGIN_SCENARIOS) {
      it(sc.name, async () => {
        const s = await sim(sc.state)
        const home = pluginHomes.make()
        const fake = fakeClient()
        let said: string[]
        if (sc.stale) {
          const first = fakeClient()
          said = await session(await plugin(first, home, { baseUrl: s.url }), "ses_1")
          expectClientClean(first, said)
          s.set({ fault: sc.stale })
          // Another OpenCode process of the same user (the same HOME, so the same cache), ten minutes on.
          said = await session(await plugin(fake, home, { baseUrl: s.url }, Date.parse(LATER)), "ses_2")
          expect(fake.prompts[0]!.body.parts[0]!.text).toMatch(/Stale: showing the last good reading \(10m ago\)/)
        } else {
          said = await session(await plugin(fake, home, { baseUrl: s.url, ...sc.options }), "ses_1")
        }
        expect(fake.prompts.length).toBeGreaterThanOrEqual(3)
        expectClientClean(fake, said)
        expectRequestsClean(s)
        const files = expectHomeClean(home)
        if (sc.name.startsWith("success"))
          expect(files.filter((f) => f.path.includes("glm-quota")).length).toBeGreaterThan(0)
      })
    }

    it("the checks can fail: a leak in a toast, a prompt or a file is caught", () => {
      expect(leaks(`{"body":{"message":"bad key Bearer ${CANARY_KEY}"}}`)).toContain(`Bearer ${CANARY_KEY}`)
      expect(leaks(`key …${CANARY_KEY.slice(0, 19)}`)).toHaveLength(1)
      expect(leaks(`key ${CANARY_KEY.slice(-12)}`)).toHaveLength(1)
      expect(leaks("Bearer [redacted]")).toEqual([])
    })
  })
})
