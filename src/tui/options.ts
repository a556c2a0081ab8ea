// Options of the TUI half, from `["glm-quota", { … }]` in tui.json: validated once; an invalid value is named and
// replaced by its default (the plugin shows one warning toast). Pure: env is a parameter.
import { DEFAULTS, MIN_REFRESH_SECONDS, parseOptions, type Settings } from "../opencode/options.ts"
import type { Env } from "../zai/credentials.ts"

export type WidgetPlace = "sidebar" | "prompt" | "off"

export interface TuiSettings extends Settings {
  /** Where the widget goes: the session sidebar, the right of the prompt (one line), or nowhere. */
  widget: WidgetPlace
}

/**
 * Test-only: refresh interval in milliseconds, below the 30 s minimum, so an end-to-end test can watch a refresh
 * happen. Never set it in real use: the monitor API is rate-limited.
 */
export const TEST_REFRESH_ENV = "GLM_QUOTA_TEST_REFRESH_MS"

const PLACES = new Set<WidgetPlace>(["sidebar", "prompt", "off"])
/** Options the server half also reads (same meaning): region, origin, thresholds, peak schedule, model policy and overrides. */
const SHARED = ["region", "baseUrl", "thresholds", "peak", "policy", "refreshInterval", "models"] as const

export const TUI_OPTION_NAMES = ["widget", ...SHARED] as const

export function parseTuiOptions(input: unknown, env: Env = {}): { settings: TuiSettings; problems: string[] } {
  const problems: string[] = []
  let widget: WidgetPlace = "sidebar"
  const shared: Record<string, unknown> = {}
  if (input !== undefined && input !== null) {
    if (typeof input !== "object" || Array.isArray(input)) problems.push("options (expected an object)")
    else {
      const o = input as Record<string, unknown>
      for (const [k, v] of Object.entries(o)) {
        if (k === "widget") {
          if (typeof v === "string" && PLACES.has(v as WidgetPlace)) widget = v as WidgetPlace
          else problems.push("widget (use sidebar, prompt or off)")
          continue
        }
        if ((SHARED as readonly string[]).includes(k)) shared[k] = v
        else problems.push(`${k} (unknown option)`)
      }
    }
  }
  const parsed = parseOptions(shared)
  problems.push(...parsed.problems)
  const settings: TuiSettings = { ...DEFAULTS, ...parsed.settings, widget, toasts: false, model: "off" }
  const testMs = testRefreshMs(env)
  if (testMs !== null) settings.refreshInterval = testMs / 1000
  return { settings, problems }
}

/** GLM_QUOTA_TEST_REFRESH_MS as a whole number of milliseconds (at least 200), else null. */
export function testRefreshMs(env: Env): number | null {
  const raw = env[TEST_REFRESH_ENV]?.trim()
  if (!raw) return null
  const ms = Number(raw)
  if (!Number.isInteger(ms) || ms < 200) return null
  return ms
}

export { MIN_REFRESH_SECONDS }
