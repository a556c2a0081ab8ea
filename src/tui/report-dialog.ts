// The TUI's /glm-quota dialog (and `/glm-quota full`): open at once on the last reading, or on "Reading the quota…"
// when there is none; if the API has not answered within PATIENCE_MS, that reading is marked stale (or a line says
// the API is silent); every newer reading or failure of the feed is then drawn into the dialog in place while it is
// open. A hanging API never leaves the user looking at a wait. The text is laid out for the dialog's box.
import type { TuiPluginApi } from "@opencode-ai/plugin/tui"
import type { UsageHistory } from "../core/types.ts"
import type { TuiSettings } from "../options/tui.ts"
import { noKeyError } from "../zai/errors.ts"
import { problemDialog, reportDialog, WIDE_BOX, type DialogBox, type DialogText } from "./dialog-text.ts"
import { ownDialog } from "./dialog.ts"
import type { QuotaFeed } from "./feed.ts"
import { dialogRoom } from "./layout.ts"

/** How long the dialog waits for the API before it says the reading it shows is stale: the server command's 2 s. */
export const PATIENCE_MS = 2000
const TITLE = "GLM Coding Plan quota"
const SILENT = "The quota API has not answered yet; the fresh report follows when it does."
const READING: DialogText = { title: TITLE, message: "Reading the quota…" }
const WAITING: DialogText = { title: TITLE, message: SILENT }
const UNREAD: DialogText = { title: TITLE, message: "The quota could not be read just now: try again in a minute." }

export interface ReportCtx {
  api: TuiPluginApi
  feed: QuotaFeed
  now: () => Date
  localTz: string
  settings: TuiSettings
  toast: (title: string, message: string) => void
}

/** The room for the dialog's message on the screen as it is now. */
export function boxOf(api: TuiPluginApi): DialogBox {
  try {
    const r = api.renderer as { width?: number; height?: number }
    if (typeof r.width === "number" && typeof r.height === "number" && r.width > 0 && r.height > 0)
      return dialogRoom(r.width, r.height)
  } catch {
    // the renderer may be gone
  }
  return WIDE_BOX
}

interface Moment {
  /** The API has not answered within PATIENCE_MS: the reading shown is marked stale. */
  waiting: boolean
  history: UsageHistory | null
}

/** The dialog's text for the feed's state now; null while there is neither a reading nor a failure. */
export function dialogFor(c: ReportCtx, m: Moment = { waiting: false, history: null }): DialogText | null {
  const state = c.feed.rebuild()
  const d = state.data
  const box = boxOf(c.api)
  if (d.kind === "report") {
    return reportDialog(m.waiting ? { ...d.report, stale: true } : d.report, {
      now: c.now(),
      localTimeZone: c.localTz,
      peakTimeZone: c.settings.peak.timeZone,
      planLabel: d.planLabel,
      staleReason: m.waiting ? SILENT : (state.error?.message ?? null),
      history: m.history,
      box,
    })
  }
  if (d.kind === "no_key") return problemDialog(state.error ?? noKeyError(), box)
  if (d.kind === "failed") return problemDialog(d.error, box)
  return null
}

/** `onGone` runs once the dialog has left the screen. */
export async function openReport(c: ReportCtx, full = false, onGone: () => void = () => {}): Promise<void> {
  let off = () => {}
  const dialog = ownDialog(c.api, () => {
    off()
    onGone()
  })
  const m: Moment = { waiting: false, history: null }
  let shown: DialogText | null = null
  const draw = (fallback: DialogText) => {
    if (shown !== null && !dialog.open) return
    const next = dialogFor(c, m) ?? fallback
    if (shown !== null && next.title === shown.title && next.message === shown.message) return
    shown = next
    dialog.show(next)
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    draw(READING)
    off = c.feed.onChange(() => {
      try {
        m.waiting = false
        draw(UNREAD)
      } catch {
        // the dialog keeps what it shows
      }
    })
    timer = setTimeout(() => {
      try {
        m.waiting = true
        draw(WAITING)
      } catch {
        // the dialog keeps what it shows
      }
    }, PATIENCE_MS)
    const history = full
      ? c.feed.quota.get(true).then((res) => {
          m.history = res.ok ? (res.value.usage ?? null) : null
        })
      : null
    await Promise.all([c.feed.refresh(), history])
    clearTimeout(timer)
    m.waiting = false
    draw(UNREAD)
  } catch {
    clearTimeout(timer)
    off()
    c.toast("glm-quota", "The quota report could not be shown just now: try again in a minute.")
  }
}
