// Where the widget is drawn in OpenCode 1.18.33's TUI. The home screen: one line under the prompt (home_bottom), from
// the first frame, at any width. A session: the sidebar's lines, and — when the sidebar is hidden (a terminal of 120
// columns or less, or a subagent's session) or with "widget": "prompt" — one line at the right of the prompt, only as
// wide as OpenCode's own footer leaves free (fit-line.ts picks the form that fits).
import type { TuiPluginApi } from "@opencode-ai/plugin/tui"
import type { TuiSettings } from "../options/tui.ts"
import type { QuotaFeed } from "./feed.ts"
import { fitLine } from "./fit-line.ts"
import { footerLeftWidth, homeRoom, sessionPromptRoom, sidebarShown, type FooterLeft } from "./layout.ts"
import { homeLineBox, lineBox, linesBox, type Palette } from "./render.ts"
import { modelOfMessages, type MessageLike } from "./session-model.ts"
import { sidebarLines, type WidgetContext } from "./widget-lines.ts"
import type { LastTurns } from "./last-turn.ts"
import { lastTurnFigure } from "./turn-line.ts"
import type { Line } from "./segments.ts"

export interface SlotCtx {
  api: TuiPluginApi
  settings: TuiSettings
  feed: QuotaFeed
  now: () => Date
  localTz: string
  /** Bumped when the quota changes, the terminal is resized, and every few seconds: every widget reads it. */
  version: () => number
  toast: (title: string, message: string) => void
  /** This machine's last turns (the record), for the last turn's credits. */
  turns?: LastTurns
}

type ThemeLike = { current: Record<string, unknown> }

function paletteOf(theme: ThemeLike | undefined): Palette {
  const c = theme?.current ?? {}
  return {
    text: c.text,
    textMuted: c.textMuted,
    success: c.success,
    warning: c.warning,
    error: c.error,
    accent: c.accent ?? c.primary,
  }
}

const configuredModel = (c: SlotCtx): string | null =>
  typeof c.api.state.config.model === "string" ? c.api.state.config.model : null

function messagesOf(c: SlotCtx, sessionID: string | undefined): readonly MessageLike[] | undefined {
  return sessionID ? (c.api.state.session.messages(sessionID) as readonly MessageLike[]) : undefined
}

export function widgetContext(c: SlotCtx, sessionID: string | undefined): WidgetContext {
  let sessionModel: string | null = null
  try {
    sessionModel = modelOfMessages(messagesOf(c, sessionID), configuredModel(c))
  } catch {
    // no session model then: the advice names the recommendation itself
  }
  const at: WidgetContext = {
    now: c.now(),
    localTimeZone: c.localTz,
    peakTimeZone: c.settings.peak.timeZone,
    sessionModel,
    thresholds: c.settings.thresholds,
  }
  const data = c.feed.current().data
  if (c.turns !== undefined && data.kind === "report")
    at.lastTurn = lastTurnFigure(c.turns.latest(sessionID), data.report, c.settings.modelCatalog, at.now)
  return at
}

const terminalWidth = (c: SlotCtx): number => {
  const w = (c.api.renderer as { width?: unknown } | undefined)?.width
  return typeof w === "number" && w > 0 ? w : 100
}

/** The footer at the left of the session's prompt, as OpenCode draws it from the session's last user message. */
function footerLeft(c: SlotCtx, sessionID: string): FooterLeft | null {
  const messages = (messagesOf(c, sessionID) ?? []) as readonly (MessageLike & { agent?: string })[]
  const last = [...messages].reverse().find((m) => m.role === "user" && m.model?.modelID)
  const configured = configuredModel(c)
  const providerID = last?.model?.providerID ?? configured?.split("/")[0]
  const modelID = last?.model?.modelID ?? configured?.split("/").slice(1).join("/")
  if (!providerID || !modelID) return null
  const provider = c.api.state.provider.find((p) => p.id === providerID)
  const agent = last?.agent ?? "build"
  return {
    agent: agent.charAt(0).toUpperCase() + agent.slice(1),
    model: provider?.models?.[modelID]?.name ?? modelID,
    provider: provider?.name ?? providerID,
    variant: (last?.model as { variant?: string } | undefined)?.variant ?? null,
  }
}

/** Assumed when the footer cannot be known: "Build · GLM-5.3-Highspeed Z.AI Coding Plan" and some. */
const UNKNOWN_FOOTER = 44

function sessionRoom(c: SlotCtx, sessionID: string): number {
  const width = terminalWidth(c)
  const subagent = Boolean(c.api.state.session.get(sessionID)?.parentID)
  const shown = sidebarShown(width, c.api.kv.get("sidebar", "auto"), subagent)
  if (c.settings.widget === "sidebar" && shown) return 0
  const left = footerLeft(c, sessionID)
  return sessionPromptRoom(width, shown, left === null ? UNKNOWN_FOOTER : footerLeftWidth(left))
}

type Draw = (sessionID: string | undefined) => Line[]

function slot(c: SlotCtx, kind: "lines" | "line" | "home", draw: Draw) {
  return (slotCtx: { theme?: ThemeLike }, props: { session_id?: string }) => {
    const palette = () => paletteOf(slotCtx.theme ?? (c.api.theme as ThemeLike))
    const lines = (): Line[] => {
      c.version()
      try {
        return draw(props.session_id)
      } catch {
        return []
      }
    }
    try {
      if (kind === "lines") return linesBox(() => ({ lines: lines(), palette: palette() }))
      const one = () => ({ line: lines()[0] ?? [], palette: palette() })
      return kind === "home" ? homeLineBox(one) : lineBox(one)
    } catch {
      return null
    }
  }
}

export function registerWidget(c: SlotCtx): void {
  const data = () => c.feed.current().data
  const home: Draw = () => [fitLine(data(), widgetContext(c, undefined), homeRoom(terminalWidth(c)))]
  const side: Draw = (sid) => sidebarLines(data(), widgetContext(c, sid))
  const prompt: Draw = (sid) => {
    const room = sid === undefined ? 0 : sessionRoom(c, sid)
    return room <= 0 ? [] : [fitLine(data(), widgetContext(c, sid), room)]
  }
  const slots: Record<string, unknown> = {
    home_bottom: slot(c, "home", home),
    session_prompt_right: slot(c, "line", prompt),
  }
  if (c.settings.widget === "sidebar") slots.sidebar_content = slot(c, "lines", side)
  try {
    c.api.slots.register({ order: 50, slots: slots as never })
  } catch {
    c.toast("glm-quota", "The quota widget could not be added to this OpenCode version.")
  }
}
