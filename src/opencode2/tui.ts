// The OpenCode 2 TUI half: `setup(api)` over the same feed, widget lines and dialog text as the 1.x TUI half — the
// quota in the sidebar and in the footer status of the home screen and the prompt (on screen before the first
// prompt, at any width), /glm-quota as a TUI command that answers in a dialog at once (`doctor` for the set-up
// checks), and the warnings as toasts (2.x gives the server half none): peak hours, the windows' thresholds, a key
// that is refused, a model switched by apply mode. It runs in OpenCode's Bun, whose `bun:sqlite` reads the key
// OpenCode keeps (db-key.ts). Every callback catches its own errors; nothing is written to the console.
import { createSignal } from "solid-js"
import { pickModelList } from "../core/plans/providers.ts"
import type { Env, FetchLike } from "../core/types.ts"
import { clockFromEnv, localTimeZone } from "../quota/clock.ts"
import { parseOptions } from "../options/server.ts"
import { parseTuiOptions } from "../options/tui.ts"
import { ProviderModels } from "../opencode/provider-models.ts"
import { clocksFor } from "../core/render/view.ts"
import { QuotaFeed } from "../tui/feed.ts"
import { lineBox, linesBox, type Palette } from "../tui/render.ts"
import { fitLine } from "../tui/fit-line.ts"
import { sidebarLines, type WidgetContext } from "../tui/widget-lines.ts"
import { serverOptionsOf, tuiOptionsOf } from "../options/one-object.ts"
import { Toasts } from "./toasts.ts"
import { openReport2, openDoctor2, type DialogCtx } from "./tui-dialog.ts"
import type { TuiApi2 } from "./tui-api.ts"
import type { Line } from "../tui/segments.ts"

export interface Tui2Deps {
  env: Env
  fetch: FetchLike
  now?: () => Date
}

/** OpenCode 2's TUI api (1.x calls `tui`, never `setup`). */
export function isTuiApi2(api: unknown): api is TuiApi2 {
  const a = api as { ui?: { slot?: unknown; toast?: unknown }; keymap?: { layer?: unknown } } | null
  return typeof a?.ui?.slot === "function" && typeof a.keymap?.layer === "function"
}

export const COMMAND = "glm-quota"
const REDRAW_MS = 15_000

/** 2.x theme tokens: `text.base`, `text.muted`, `text.feedback.<kind>.base`, `text.action.primary.<state>`. */
type Tokens = { text?: Record<string, unknown> }

function paletteOf(theme: unknown): Palette {
  const t = ((theme ?? {}) as Tokens).text ?? {}
  const at = (...path: string[]): unknown => path.reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], t)
  return {
    text: at("base"),
    textMuted: at("muted"),
    success: at("feedback", "success", "base"),
    warning: at("feedback", "warning", "base"),
    error: at("feedback", "error", "base"),
    accent: at("action", "primary", "selected"),
  }
}

export function createTui2(deps: Tui2Deps): (api: unknown) => Promise<(() => void) | undefined> {
  return async (api) => {
    if (!isTuiApi2(api)) return undefined
    try {
      return await start(api, deps)
    } catch {
      return undefined
    }
  }
}

type Place = "lines" | "home" | "line"
/** What else the home screen's footer row holds (its padding, gaps and OpenCode's version). */
const FOOTER_OTHERS = 14
/** The prompt's footer status sits between the directory and the key hints: the line's tightest form. */
const PROMPT_ROOM = 24

/** The home screen's footer status from the first frame (any width); the sidebar's lines, or the prompt's line. */
function registerSlots(api: TuiApi2, widget: "sidebar" | "prompt", draw: (k: Place, s?: string) => Line[]): void {
  const slot = (append: string, kind: Place) => {
    try {
      api.ui.slot({
        append,
        render: (input) => {
          const palette = () => paletteOf(api.theme)
          return kind === "lines"
            ? linesBox(() => ({ lines: draw("lines", input?.sessionID), palette: palette() }))
            : lineBox(() => ({ line: draw(kind, input?.sessionID)[0] ?? [], palette: palette() }))
        },
      })
    } catch {
      // this OpenCode has no such slot
    }
  }
  slot("home.footer.status", "home")
  if (widget === "sidebar") slot("sidebar.content", "lines")
  else slot("prompt.footer.status", "line")
}

/** /glm-quota as a TUI command: the report in a dialog at once; `doctor` for the set-up checks. */
function registerCommand(api: TuiApi2, ctx: DialogCtx): void {
  api.keymap.layer(() => ({
    mode: "global",
    commands: [
      {
        id: "glm-quota.report",
        title: "GLM quota",
        description: "The GLM Coding Plan quota in a dialog (no model call); `doctor` for the set-up checks",
        group: "GLM",
        palette: true,
        slash: { name: COMMAND, arguments: true },
        run: (args?: string) => {
          const a = (args ?? "").trim().toLowerCase()
          void (a === "doctor" ? openDoctor2(ctx) : openReport2(ctx)).catch(() => undefined)
        },
      },
    ],
  }))
}

async function start(api: TuiApi2, deps: Tui2Deps): Promise<() => void> {
  const { settings, problems } = parseTuiOptions(tuiOptionsOf(api.options), deps.env)
  const server = parseOptions(serverOptionsOf(api.options)).settings
  const clock = clockFromEnv(deps.env, "running")
  if (clock.error !== null) problems.push("GLM_QUOTA_NOW (not a date)")
  const now = deps.now ?? clock.now
  const localTz = localTimeZone(deps.env)
  const lists = new ProviderModels(deps.env)
  const models = () => {
    const l = lists.current()
    return l === null ? null : (pickModelList(l, null, settings.region)?.ids ?? null)
  }
  // The key as the CLI finds it (env, auth.json, then OpenCode 2's opencode.db): the feed looks again while it has none.
  const feed = new QuotaFeed(settings, { env: deps.env, fetch: deps.fetch, now, models })
  const clocks = clocksFor(settings.peak.timeZone, () => localTz, now)
  const toasts = new Toasts(api, server, clocks)
  if (problems.length > 0) toasts.problems(problems)

  const [version, setVersion] = createSignal(0)
  const bump = () => setVersion(version() + 1)
  const offFeed = feed.onChange((state) => {
    try {
      bump()
      toasts.check(feed.quota, state)
    } catch {
      // the widget keeps what it shows
    }
  })
  const redraw = setInterval(() => {
    try {
      feed.rebuild()
      bump()
      toasts.check(feed.quota, feed.current())
    } catch {
      // next time
    }
  }, REDRAW_MS)
  const at = (sessionID: string | undefined): WidgetContext => ({
    now: now(),
    localTimeZone: localTz,
    peakTimeZone: settings.peak.timeZone,
    sessionModel: sessionID === undefined ? null : (toasts.sessionModel(sessionID) ?? null),
    thresholds: settings.thresholds,
  })
  const width = () => {
    const w = (api.renderer as { width?: unknown } | undefined)?.width
    return typeof w === "number" && w > 0 ? w : 100
  }
  const draw = (kind: Place, sessionID: string | undefined): Line[] => {
    version()
    try {
      const data = feed.current().data
      if (kind === "lines") return sidebarLines(data, at(sessionID))
      return [fitLine(data, at(sessionID), kind === "home" ? width() - FOOTER_OTHERS : PROMPT_ROOM)]
    } catch {
      return []
    }
  }
  if (settings.widget !== "off") registerSlots(api, settings.widget, draw)
  registerCommand(api, { api, feed, now, localTz, settings, deps })
  const offModel = api.data?.on?.("session.model.selected", (e) => toasts.modelSelected(e, feed.current()))
  feed.start()
  return () => {
    feed.stop()
    offFeed()
    clearInterval(redraw)
    if (typeof offModel === "function") (offModel as () => void)()
  }
}
