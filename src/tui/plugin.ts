// The TUI half: a quota widget (session sidebar, or one line at the right of the prompt) and a TUI-native
// /glm-quota that opens the full report in a dialog — no model call, nothing posted to the session.
//
// In OpenCode 1.18.33 this runs on the TUI's main thread while the server half runs in a Worker: two module graphs.
// They share the core and the cache files in $XDG_CACHE_HOME/glm-quota, so one answer serves both.
// Every callback catches its own errors; nothing here writes to the console (it would corrupt the TUI).
import type { TuiPlugin } from "@opencode-ai/plugin/tui"
import { createSignal } from "solid-js"
import { localTimeZone } from "../zai/clock.ts"
import { clockFromEnv } from "../zai/clock.ts"
import { noKeyError } from "../zai/errors.ts"
import { problemDialog, reportDialog, type DialogText } from "./dialog-text.ts"
import { QuotaFeed } from "./feed.ts"
import { pickModelList, providerModelLists, providerOf } from "../core/providers.ts"
import { parseTuiOptions } from "./options.ts"
import { linesBox, lineBox, type Palette } from "./render.ts"
import { modelOfMessages, type MessageLike } from "./session-model.ts"
import { promptLine, sidebarLines, type WidgetContext } from "./widget-model.ts"

export const COMMAND = "glm-quota"
export const COMMAND_DESCRIPTION = "The GLM Coding Plan quota in a dialog (no model call)"
/** Countdowns move with the clock: the widget is redrawn this often even when the data did not change. */
const REDRAW_MS = 15_000

type ThemeLike = { current: Record<string, unknown> }

function paletteOf(theme: ThemeLike | undefined): Palette {
  const c = theme?.current ?? {}
  return { text: c.text, textMuted: c.textMuted, success: c.success, warning: c.warning, error: c.error, accent: c.accent ?? c.primary }
}

/** Starting never throws into the TUI: on failure the plugin simply does nothing. */
export const tui: TuiPlugin = async (api, options, meta) => {
  try {
    await start(api, options, meta)
  } catch {
    // no widget then; the TUI itself carries on
  }
}

const start: TuiPlugin = async (api, options) => {
  const env = process.env
  const { settings, problems } = parseTuiOptions(options, env)
  const clock = clockFromEnv(env, "running")
  if (!clock.ok) problems.push("GLM_QUOTA_NOW (not a date)")
  const now = clock.ok ? clock.value : () => new Date()
  const localTz = localTimeZone(env)
  const peakTz = settings.peak.timeZone
  // The models the user can pick: the TUI's own provider list (OpenCode's catalog plus what the config declares).
  const models = (): readonly string[] | null => {
    try {
      const configured = typeof api.state.config.model === "string" ? api.state.config.model : null
      return pickModelList(providerModelLists(api.state.provider), providerOf(configured), settings.region)?.ids ?? null
    } catch {
      return null
    }
  }
  const feed = new QuotaFeed(settings, { env, fetch: (u, i) => fetch(u, i), now, models })

  const toast = (title: string, message: string, variant: "info" | "warning" | "error" = "warning") => {
    try {
      api.ui.toast({ title, message, variant, duration: 8000 })
    } catch {
      // the toast is a courtesy
    }
  }
  if (problems.length > 0) toast("glm-quota: invalid options", `Ignored, defaults used: ${problems.join(", ")}.`)

  // One signal drives every widget: bumped when the quota changes and every REDRAW_MS for the countdowns.
  const [version, setVersion] = createSignal(0)
  const bump = () => {
    try {
      setVersion(version() + 1)
    } catch {
      // the renderer may be gone
    }
  }
  const offFeed = feed.onChange(bump)
  const redraw = setInterval(() => {
    try {
      feed.rebuild()
      bump()
    } catch {
      // next time
    }
  }, REDRAW_MS)

  const sessionModel = (sessionID: string | undefined): string | null => {
    try {
      const configured = typeof api.state.config.model === "string" ? api.state.config.model : null
      const messages = sessionID ? (api.state.session.messages(sessionID) as readonly MessageLike[]) : undefined
      return modelOfMessages(messages, configured)
    } catch {
      return null
    }
  }
  const context = (sessionID: string | undefined): WidgetContext => ({
    now: now(),
    localTimeZone: localTz,
    peakTimeZone: peakTz,
    sessionModel: sessionModel(sessionID),
    thresholds: settings.thresholds,
  })

  if (settings.widget !== "off") {
    const sidebar = (ctx: { theme?: ThemeLike }, props: { session_id?: string }) => {
      try {
        return linesBox(() => {
          version()
          try {
            return { lines: sidebarLines(feed.current().data, context(props.session_id)), palette: paletteOf(ctx.theme ?? api.theme) }
          } catch {
            return { lines: [], palette: paletteOf(api.theme) }
          }
        })
      } catch {
        return null
      }
    }
    const prompt = (ctx: { theme?: ThemeLike }, props: { session_id?: string }) => {
      try {
        return lineBox(() => {
          version()
          try {
            return { line: promptLine(feed.current().data, context(props.session_id)), palette: paletteOf(ctx.theme ?? api.theme) }
          } catch {
            return { line: [], palette: paletteOf(api.theme) }
          }
        })
      } catch {
        return null
      }
    }
    try {
      api.slots.register({
        order: 50,
        slots:
          settings.widget === "sidebar"
            ? { sidebar_content: sidebar as never }
            : { session_prompt_right: prompt as never, home_prompt_right: prompt as never },
      })
    } catch {
      toast("glm-quota", "The quota widget could not be added to this OpenCode version.")
    }
  }

  const show = (text: DialogText) => {
    api.ui.dialog.replace(() => api.ui.DialogAlert({ title: text.title, message: text.message }))
    try {
      api.ui.dialog.setSize("large")
    } catch {
      // the default size will do
    }
  }
  const dialogFor = (): DialogText | null => {
    const state = feed.rebuild()
    const d = state.data
    if (d.kind === "report") {
      return reportDialog(d.report, { now: now(), localTimeZone: localTz, peakTimeZone: peakTz, planLabel: d.planLabel, staleReason: state.error?.message ?? null })
    }
    if (d.kind === "no_key") return problemDialog(state.error ?? noKeyError())
    if (d.kind === "failed") return problemDialog(d.error)
    return null
  }
  const openReport = async () => {
    try {
      const ready = dialogFor()
      if (ready !== null && feed.current().data.kind === "report") {
        show(ready)
        void feed.refresh().catch(() => undefined)
        return
      }
      show({ title: "GLM Coding Plan quota", message: "Reading the quota…" })
      await feed.refresh()
      if (!api.ui.dialog.open) return
      show(dialogFor() ?? { title: "GLM Coding Plan quota", message: "The quota could not be read just now: try again in a minute." })
    } catch {
      toast("glm-quota", "The quota report could not be shown just now: try again in a minute.")
    }
  }

  try {
    api.command?.register(() => [
      {
        title: "GLM quota",
        value: "glm-quota.report",
        description: COMMAND_DESCRIPTION,
        category: "GLM",
        // The alias repeats the name on purpose: it ranks this entry above the server half's /glm-quota in the
        // slash autocomplete of 1.18.33 (see README, "In the TUI").
        slash: { name: COMMAND, aliases: [COMMAND] },
        onSelect: () => {
          void openReport()
        },
      },
    ])
  } catch {
    // without the command the widget still works
  }

  feed.start()
  api.lifecycle.onDispose(() => {
    try {
      feed.stop()
      offFeed()
      clearInterval(redraw)
    } catch {
      // shutting down anyway
    }
  })
}
