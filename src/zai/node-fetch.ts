// The Node edge's fetch: undici with keep-alive and the standard proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).
// Inside OpenCode (Bun) the global fetch is used instead: Bun honours those variables itself.
import { EnvHttpProxyAgent, fetch as undiciFetch } from "undici"
import type { FetchLike } from "./http.ts"

export function nodeFetch(): { fetch: FetchLike; close: () => Promise<void> } {
  const dispatcher = new EnvHttpProxyAgent({ connect: { timeout: 8000 } })
  const fetch = ((input: string, init: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1])) as unknown as FetchLike
  // Kept-alive sockets would hold a finished CLI open until the server closes them: destroy them when done.
  return { fetch, close: () => dispatcher.destroy().catch(() => undefined) }
}
