// Options of the TUI half, from `["glm-quota", { … }]` in tui.json: the shared ones (options/shared.ts) plus where the
// widget goes. Validated once; an invalid value is named and replaced by its default (the plugin shows one warning
// toast). Pure: env is a parameter.
import * as z from "zod/mini"
import type { Env } from "../core/types.ts"
import {
  checked,
  optionsJsonSchema,
  QUOTA_DEFAULTS,
  QUOTA_OPTIONS,
  readOptions,
  type OptionTable,
  type QuotaSettings,
} from "./shared.ts"

export type WidgetPlace = "sidebar" | "prompt" | "off"

export interface TuiSettings extends QuotaSettings {
  /** Where the widget goes: the session sidebar, the right of the prompt (one line), or nowhere. */
  widget: WidgetPlace
}

/**
 * Test-only: refresh interval in milliseconds, below the 30 s minimum, so an end-to-end test can watch a refresh
 * happen. Never set it in real use: the monitor API is rate-limited.
 */
export const TEST_REFRESH_ENV = "GLM_QUOTA_TEST_REFRESH_MS"

const TUI_OPTIONS: OptionTable<TuiSettings> = {
  widget: checked(
    z
      .enum(["sidebar", "prompt", "off"])
      .check(
        z.describe(
          "Where the TUI half draws the quota: the session sidebar (default), one line right of the prompt, or off (only /glm-quota).",
        ),
      ),
    "widget (use sidebar, prompt or off)",
    (widget) => ({ widget }),
  ),
  ...(QUOTA_OPTIONS as OptionTable<TuiSettings>),
}

/** The TUI half's option names and their JSON Schema, for docs/options.md (scripts/options-doc.ts). */
export const tuiOptionsSchema = (): Record<string, unknown> => optionsJsonSchema(TUI_OPTIONS)

/** The option names the TUI half knows (OpenCode 2 hands both halves one object: options/one-object.ts). */
export const TUI_OPTION_NAMES: readonly string[] = Object.keys(TUI_OPTIONS)

export function parseTuiOptions(input: unknown, env: Env = {}): { settings: TuiSettings; problems: string[] } {
  const defaults: TuiSettings = { ...QUOTA_DEFAULTS, widget: "sidebar" }
  const { settings, problems } = readOptions(input, TUI_OPTIONS, defaults)
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
