// The Node edge's fetch. Without a proxy variable it is a plain node:http / node:https GET (node-http.ts): nothing to
// load; with HTTPS_PROXY / HTTP_PROXY set, undici's EnvHttpProxyAgent is loaded (NO_PROXY honoured) — the package costs
// ~185 ms to import, paid only by the runs that need it. Inside OpenCode (Bun) the global fetch is used instead: Bun
// honours those variables itself.
import type { Env, FetchLike } from "../core/types.ts"
import { httpFetch } from "./node-http.ts"

const pick = (env: Env, name: string): string | undefined => env[name] ?? env[name.toLowerCase()]

/** Whether a proxy variable is in effect for the monitor API. */
export const proxyOf = (env: Env): string | undefined => pick(env, "HTTPS_PROXY") ?? pick(env, "HTTP_PROXY")

export interface NodeFetch {
  fetch: FetchLike
  close: () => Promise<void>
}

export async function nodeFetch(env: Env): Promise<NodeFetch> {
  if (proxyOf(env) === undefined) return { fetch: httpFetch, close: async () => {} }
  // From the sources undici's named exports come through; from the bundle (CommonJS inside an ESM chunk) its default.
  const mod = (await import("undici")) as typeof import("undici") & { default?: typeof import("undici") }
  const { EnvHttpProxyAgent, fetch: undiciFetch } = typeof mod.EnvHttpProxyAgent === "function" ? mod : mod.default!
  const dispatcher = new EnvHttpProxyAgent({
    connect: { timeout: 8000 },
    httpProxy: pick(env, "HTTP_PROXY"),
    httpsProxy: proxyOf(env),
    noProxy: pick(env, "NO_PROXY"),
  })
  const fetchThrough = ((input: string, init: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher } as Parameters<
      typeof undiciFetch
    >[1])) as unknown as FetchLike
  // Kept-alive sockets would hold a finished CLI open until the server closes them: destroy them when done.
  return { fetch: fetchThrough, close: () => dispatcher.destroy().catch(() => undefined) }
}
