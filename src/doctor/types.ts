// The set-up doctor's vocabulary: one check is what was found and, when it is not fine, what to do about it.
import type { Env, Region, FetchLike } from "../core/types.ts"
import type { DoctorFs } from "./file-access.ts"

export type CheckStatus = "ok" | "warn" | "fail"

export interface Check {
  id: string
  status: CheckStatus
  /** One line of what was found: never the key (where it was found instead). */
  found: string
  /** One line of what to do; empty when the check is ok. */
  fix: string
}

export interface DoctorOptions {
  env: Env
  fetch: FetchLike
  now: () => Date
  /** The project directory (its opencode.json / tui.json). */
  cwd: string
  home: string
  /** Only a key for this region will do (the CLI's --region). */
  region?: Region | null
  /** The monitor origin of each region; default api.z.ai / open.bigmodel.cn, or GLM_QUOTA_BASE_URL for both. */
  origins?: Partial<Record<Region, string>>
  fs?: DoctorFs
  timeoutMs?: number
  /** Where the advice is read: "cli" names --region, "opencode" the plugin's `region` option. Default "cli". */
  context?: "cli" | "opencode"
  /** Which OpenCode the user runs; default: `opencode` / `opencode2` on env.PATH (opencode-install.ts). */
  openCodeInstalls?: (env: Env) => OpenCodeInstall[]
  /** Inside OpenCode: the running server's model ids of a provider (null: it does not list that provider). */
  serverModels?: (provider: string) => readonly string[] | null
}

/** How to pick a region where the user is: the CLI flag, or the plugin option inside OpenCode. */
export const regionHow = (region: Region, context: DoctorOptions["context"]): string =>
  context === "opencode" ? `the plugin option "region": "${region}"` : `--region ${region}`

export const ok = (id: string, found: string): Check => ({ id, status: "ok", found, fix: "" })
export const warn = (id: string, found: string, fix: string): Check => ({ id, status: "warn", found, fix })
export const fail = (id: string, found: string, fix: string): Check => ({ id, status: "fail", found, fix })

export const REGION_NAMES: Record<Region, string> = { international: "Z.ai (international)", china: "BigModel (China)" }

/** Runs a check so that nothing it does can throw past it: a bug becomes a ⚠ line. */
export async function guarded(id: string, run: () => Check[] | Promise<Check[]>): Promise<Check[]> {
  try {
    return await run()
  } catch (err) {
    const what = err instanceof Error ? err.name : "error"
    return [warn(id, `this check could not finish (${what})`, "report it at the glm-quota issue tracker")]
  }
}

export interface OpenCodeInstall {
  /** The name on PATH: "opencode" or "opencode2". */
  name: string
  path: string
  /** "1.18.33"; null when it could not be told. */
  version: string | null
  major: number | null
}
