// The TUI half: a quota widget (session sidebar, or one line at the right of the prompt) and a TUI-native
// /glm-quota that opens the full report in a dialog — no model call, nothing posted to the session.
//
// In OpenCode 1.18.33 this runs on the TUI's main thread while the server half runs in a Worker: two module graphs.
// They share the core and the cache files in $XDG_CACHE_HOME/glm-quota, so one answer serves both. A factory over
// what it is given (env, fetch, clock): it reads no global itself. Every callback catches its own errors; nothing here
// writes to the console (it would corrupt the TUI).
import type { TuiPlugin, TuiPluginApi } from "@opencode-ai/plugin/tui"
import { createSignal } from "solid-js"
import { pickModelList, providerModelLists, providerOf } from "../core/plans/providers.ts"
import type { Env, FetchLike } from "../core/types.ts"
import { clockFromEnv, localTimeZone } from "../quota/clock.ts"
import { QuotaFeed } from "./feed.ts"
import { registerCommands } from "./commands.ts"
import { refusalWarning } from "../quota/refusal.ts"
import { parseTuiOptions, type TuiSettings } from "../options/tui.ts"
import { writeModelLists } from "../quota/opencode-models.ts"
import { registerWidget } from "./slots.ts"
import { LastTurns } from "./last-turn.ts"

export { COMMAND, COMMAND_DESCRIPTION, DOCTOR_COMMAND } from "./commands.ts"
/** Countdowns move with the clock: the widget is redrawn this often even when the data did not change. */
const REDRAW_MS = 15_000

export interface TuiDeps {
  env: Env
  fetch: FetchLike
  /** Default: GLM_QUOTA_NOW running from its instant, else the real clock. */
  now?: () => Date
}

/** Starting never throws into the TUI: on failure the plugin simply does nothing. */
export function createTui(deps: TuiDeps): TuiPlugin {
  return async (api, options) => {
    try {
      start(api, options, deps)
    } catch {
      // no widget then; the TUI itself carries on
    }
  }
}

interface Ctx {
  api: TuiPluginApi
  settings: TuiSettings
  feed: QuotaFeed
  now: () => Date
  localTz: string
  /** Bumped when the quota changes and every REDRAW_MS: every widget reads it, so it redraws. */
  version: () => number
  toast: (title: string, message: string) => void
  deps: TuiDeps
  turns: LastTurns
}

function start(api: TuiPluginApi, options: unknown, deps: TuiDeps): void {
  const { settings, problems } = parseTuiOptions(options, deps.env)
  const clock = clockFromEnv(deps.env, "running")
  if (clock.error !== null) problems.push("GLM_QUOTA_NOW (not a date)")
  const now = deps.now ?? clock.now
  // The models the user can pick: the TUI's own provider list (OpenCode's catalog plus what the config declares).
  const share = sharer(deps.env)
  const models = (): readonly string[] | null => {
    const configured = typeof api.state.config.model === "string" ? api.state.config.model : null
    const lists = providerModelLists(api.state.provider)
    share(lists)
    return pickModelList(lists, providerOf(configured), settings.region)?.ids ?? null
  }
  const feed = new QuotaFeed(settings, { env: deps.env, fetch: deps.fetch, now, models })
  // The providers arrive with the TUI's first sync: shared as soon as they are there, for the first prompt.
  const untilProviders = setInterval(() => {
    try {
      if (api.state.provider.length === 0) return
      clearInterval(untilProviders)
      models()
    } catch {
      clearInterval(untilProviders)
    }
  }, 250)
  setTimeout(() => clearInterval(untilProviders), 60_000)
  const toast = (title: string, message: string) => {
    try {
      api.ui.toast({ title, message, variant: "warning", duration: 8000 })
    } catch {
      // the toast is a courtesy
    }
  }
  if (problems.length > 0) toast("glm-quota: invalid options", `Ignored, defaults used: ${problems.join(", ")}.`)

  const [version, setVersion] = createSignal(0)
  const bump = () => {
    try {
      setVersion(version() + 1)
    } catch {
      // the renderer may be gone
    }
  }
  const offFeed = feed.onChange(bump)
  const offRefusals = feed.onChange(refusalToaster(api, feed))
  const offResize = onResize(api, bump)
  const redraw = setInterval(() => {
    try {
      feed.rebuild()
      bump()
    } catch {
      // next time
    }
  }, REDRAW_MS)
  const turns = new LastTurns(deps.env, now)
  const ctx: Ctx = { api, settings, feed, now, localTz: localTimeZone(deps.env), version, toast, deps, turns }
  if (settings.widget !== "off") registerWidget(ctx)
  const offCommands = registerCommands(ctx)
  feed.start()
  api.lifecycle.onDispose(() => {
    try {
      feed.stop()
      offFeed()
      offRefusals()
      offResize()
      clearInterval(redraw)
      clearInterval(untilProviders)
      offCommands()
    } catch {
      // shutting down anyway
    }
  })
}

/**
 * Writes the Coding Plan providers' lists the TUI has for the server half (apply mode decides the first prompt from
 * them), whenever they change; nothing while the TUI has no provider yet.
 */
function sharer(env: TuiDeps["env"]): (lists: Record<string, string[]>) => void {
  let written = ""
  return (lists) => {
    const text = JSON.stringify(lists)
    if (text === written || Object.keys(lists).length === 0) return
    if (writeModelLists(env, lists)) written = text
  }
}

/** A key the API refused (rejected, or no Coding Plan): one error toast per key; the server half then stays quiet. */
function refusalToaster(api: TuiPluginApi, feed: QuotaFeed): () => void {
  const said = new Set<string>()
  return () => {
    try {
      const r = feed.quota.refusal
      if (r === null) return
      const w = refusalWarning(r)
      if (said.has(w.key)) return
      said.add(w.key)
      api.ui.toast({ title: w.title, message: w.message, variant: "error", duration: 12_000 })
    } catch {
      // the toast is a courtesy
    }
  }
}

/** Redraws on a resize of the terminal: how much fits in a line, and whether the sidebar shows, follow its width. */
function onResize(api: TuiPluginApi, fn: () => void): () => void {
  const r = api.renderer as { on?: (e: string, f: () => void) => unknown; off?: (e: string, f: () => void) => unknown }
  try {
    r.on?.("resize", fn)
  } catch {
    return () => {}
  }
  return () => {
    try {
      r.off?.("resize", fn)
    } catch {
      // gone with the renderer
    }
  }
}
