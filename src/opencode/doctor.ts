// /glm-quota doctor: the set-up doctor's checks (src/doctor), then the ones that only make sense inside OpenCode —
// the request guard's settings against the plan, and whether the fetch of each coding-plan provider is guarded
// (pure over what the running plugin knows).
import { CODING_PLAN_IDS, zaiProvidersOf } from "../core/plans/providers.ts"
import type { Env, FetchLike } from "../core/types.ts"
import { planTitle } from "../core/text/vocabulary.ts"
import { runPluginDoctor } from "../doctor/index.ts"
import { ok, warn, type Check } from "../doctor/types.ts"
import { GUARDED, type GuardSettings } from "./guard.ts"
import type { Settings } from "../options/server.ts"

export interface OpenCodeFacts {
  guard: GuardSettings
  /** The live config the `config` hook was given; null before it ran. */
  config: unknown
  /** The plan of the last reading ("lite", "pro", "max"), if any. */
  plan: string | null
}

const limitOf = (table: Record<string, number>) => table.default ?? 1

/** The guard's settings: off, or a peak limit above the usual one, is a ⚠ (1302 errors are what it prevents). */
export function guardSettingsCheck(guard: GuardSettings, plan: string | null): Check {
  const on = plan === null ? "" : ` on the ${planTitle(plan)} plan`
  if (!guard.enabled)
    return warn(
      "opencode.guard",
      `the request guard is off${on}: parallel requests at the throttling peak can fail with 1302 concurrency errors`,
      'remove `"guard": "off"` from the glm-quota plugin options in opencode.json',
    )
  const usual = limitOf(guard.limits)
  const peak = limitOf(guard.peakLimits)
  const found = `request guard active${on}: ${usual} request(s) in flight per model, ${peak} at the throttling peak, ${guard.retries} retries after 1302/1305`
  if (peak > usual)
    return warn(
      "opencode.guard",
      found,
      "set guard.peakLimits no higher than guard.limits: the peak is when the API throttles",
    )
  if (guard.retries === 0)
    return warn("opencode.guard", found, "set guard.retries to 2 or more: a 1302 answer is usually gone a second later")
  return ok("opencode.guard", found)
}

/** Whether each coding-plan provider's model requests pass through the guard. */
export function providerGuardChecks(config: unknown, guard: GuardSettings): Check[] {
  if (!guard.enabled) return []
  if (config === null || typeof config !== "object")
    return [warn("opencode.providers", "OpenCode has not handed its config to the plugin yet", "run the doctor again")]
  const providers = ((config as { provider?: unknown }).provider ?? {}) as Record<string, unknown>
  const ids = [...new Set([...CODING_PLAN_IDS.filter((id) => id in providers), ...zaiProvidersOf(config)])]
  if (ids.length === 0)
    return [
      warn(
        "opencode.providers",
        "no coding-plan provider is declared in opencode.json, so the request guard wraps none",
        'declare it, e.g. `"provider": { "zai-coding-plan": {} }` (or zhipuai-coding-plan), to guard its requests',
      ),
    ]
  return ids.map((id) => {
    const options = (providers[id] as { options?: Record<string | symbol, unknown> } | undefined)?.options
    if (options?.[GUARDED] === true)
      return ok("opencode.providers", `${id}: model requests go through the request guard`)
    return warn(
      "opencode.providers",
      `${id}: model requests do not go through the request guard`,
      "restart OpenCode; if it stays so, another plugin replaces this provider's fetch after glm-quota",
    )
  })
}

export function openCodeChecks(facts: OpenCodeFacts): Check[] {
  return [guardSettingsCheck(facts.guard, facts.plan), ...providerGuardChecks(facts.config, facts.guard)]
}

export interface DoctorDeps {
  env: Env
  fetch: FetchLike
  now: () => Date
  /** The project directory OpenCode runs in (its opencode.json / tui.json). */
  directory: string
  settings: Settings
}

/** Every check: the set-up doctor's (key, region, plan, config, clock, network, files), then this process's. */
export async function pluginDoctor(d: DoctorDeps, facts: OpenCodeFacts): Promise<Check[]> {
  const setup = await runPluginDoctor({
    env: d.env,
    fetch: d.fetch,
    now: d.now,
    cwd: d.directory,
    settings: d.settings,
  })
  return [...setup, ...openCodeChecks(facts)]
}
