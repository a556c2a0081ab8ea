// The HTTP client and the quota source one run of the command reads through: Node's fetch (undici behind a proxy),
// or the built-in demo's answers made in memory. Shared by the report and the status line's cold path.
import type { Env, QuotaError, Result, FetchLike } from "../core/types.ts"
import type { DemoState } from "../zai/demo.ts"
import { DEFAULT_TIMEOUT_MS } from "../zai/http.ts"
import { openSource, type QuotaSource } from "../quota/source.ts"
import type { Options } from "./args.ts"
import type { CliIo } from "./io.ts"

/** The demo's plan generation follows the clock: a token plan before the credit plans (30 Jul 2026), after it a credit
 * plan without an MCP row, as most accounts then have. */
const demoState = (now: Date): Partial<DemoState> =>
  now.getTime() >= Date.parse("2026-07-30T00:00:00+08:00") ? { era: "credit", mcpRow: false } : {}

export interface Connection {
  fetch: FetchLike
  source: Result<QuotaSource, QuotaError>
  /** Lets go of the HTTP client (a proxy's kept-alive sockets); always call it, in a `finally`. */
  close: () => Promise<void>
}

/** The client and the source for this run; the 8 s budget counts from the start of the process. */
export async function connect(o: Options, env: Env, io: CliIo, now: () => Date): Promise<Connection> {
  // Each is loaded only when it is the one: a real run does not pay for making up the demo's answers, nor the demo
  // for node:http.
  const demo = o.demo ? await import("../zai/demo.ts") : null
  const http = demo
    ? { fetch: demo.demoFetch(demoState(now()), now), close: async () => {} }
    : io.fetch
      ? { fetch: io.fetch, close: async () => {} }
      : await (await import("../zai/node-fetch.ts")).nodeFetch(env)
  const source = openSource({
    env,
    fetch: http.fetch,
    now,
    region: o.region,
    baseUrl: demo ? demo.DEMO_ORIGIN : null,
    fileCache: !o.noCache && !o.demo,
    credentials: o.demo ? { key: "demo-key", region: "international", source: "the built-in demo" } : null,
    timeoutMs: Math.max(1000, DEFAULT_TIMEOUT_MS - Math.round(io.elapsedMs?.() ?? 0)),
    timeoutLabelMs: DEFAULT_TIMEOUT_MS,
  })
  return { fetch: http.fetch, source, close: http.close }
}
