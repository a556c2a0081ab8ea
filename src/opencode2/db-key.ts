// The key OpenCode 2 keeps for a Coding Plan integration, read where the TUI half runs: inside OpenCode's own Bun,
// whose `bun:sqlite` opens `$XDG_DATA_HOME/opencode/opencode.db` read-only (the `credential` table: `integration_id`,
// `value` = {"type":"key","key":…}, `active`). The server half asks the host instead (key.ts). Any failure — no Bun,
// no file, a locked or damaged database — is "no key from there", never an error.
import { join } from "node:path"
import { homedir } from "node:os"
import type { Env } from "../core/types.ts"
import { PROVIDER_REGIONS, type Credentials } from "../zai/credentials.ts"

interface Statement {
  all: (...params: unknown[]) => unknown[]
}
interface Database {
  query: (sql: string) => Statement
  close: () => void
}

export function opencodeDbPath(env: Env, home: string = homedir()): string {
  const xdg = env.XDG_DATA_HOME?.trim()
  return join(xdg ? xdg : join(home, ".local", "share"), "opencode", "opencode.db")
}

const SQL = "SELECT value FROM credential WHERE integration_id = ?1 ORDER BY active DESC, time_updated DESC LIMIT 5"

export async function dbCredentials(env: Env): Promise<Credentials | null> {
  let db: Database | null = null
  try {
    const mod = (await import("bun:sqlite" as string)) as { Database: new (p: string, o: object) => Database }
    db = new mod.Database(opencodeDbPath(env), { readonly: true })
    for (const [id, region] of PROVIDER_REGIONS) {
      for (const row of db.query(SQL).all(id)) {
        const value = (row as { value?: unknown }).value
        const key = typeof value === "string" ? keyOf(value) : null
        if (key !== null) return { key, region, source: `OpenCode 2's opencode.db (${id})` }
      }
    }
    return null
  } catch {
    return null
  } finally {
    try {
      db?.close()
    } catch {
      // read-only: nothing to lose
    }
  }
}

function keyOf(json: string): string | null {
  try {
    const v = JSON.parse(json) as { type?: unknown; key?: unknown }
    return v.type === "key" && typeof v.key === "string" && v.key.trim() !== "" ? v.key.trim() : null
  } catch {
    return null
  }
}
