// The user's key as OpenCode 2 holds it: the active connection of a Coding Plan integration, resolved through the
// host (2.2.5 keeps it in opencode.db's `credential` table; a config key or env variable is a connection too). Asked
// once in the background at start-up, never on a hook's path; the key never leaves this module but in Credentials.
import type { Region } from "../core/types.ts"
import { PROVIDER_REGIONS, type Credentials } from "../zai/credentials.ts"
import type { ServerContext } from "./host.ts"

const keyOf = (v: unknown): string | null => {
  if (typeof v !== "object" || v === null) return null
  const key = (v as { key?: unknown }).key
  return typeof key === "string" && key.trim() !== "" ? key.trim() : null
}

/** The first Coding Plan integration with a usable key, in PROVIDER_REGIONS' order; null when none has one. */
export async function hostCredentials(ctx: ServerContext, want: Region | null): Promise<Credentials | null> {
  const conn = ctx.integration?.connection
  if (conn === undefined || typeof conn.active !== "function" || typeof conn.resolve !== "function") return null
  for (const [id, region] of PROVIDER_REGIONS) {
    if (want !== null && want !== region) continue
    try {
      const active = await conn.active(id)
      if (active === undefined || active === null) continue
      const key = keyOf(await conn.resolve(active))
      if (key !== null) return { key, region, source: `OpenCode 2 (${id})` }
    } catch {
      // an integration this OpenCode does not know: the next one
    }
  }
  return null
}
