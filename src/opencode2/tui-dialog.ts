// /glm-quota in the 2.x TUI: the report in a dialog at once — the last reading when there is one, else a "Reading"
// line — redrawn while it is open with every newer reading of the feed; `doctor` runs the set-up checks (loaded on
// first use) and shows them the same way. The dialog is 2.x's alert: each new text replaces the one shown.
import type { Env, FetchLike } from "../core/types.ts"
import type { TuiSettings } from "../options/tui.ts"
import { problemDialog, reportDialog, type DialogBox, type DialogText } from "../tui/dialog-text.ts"
import type { QuotaFeed } from "../tui/feed.ts"
import { noKeyError } from "../zai/errors.ts"
import type { TuiApi2 } from "./tui-api.ts"

export interface DialogCtx {
  api: TuiApi2
  feed: QuotaFeed
  now: () => Date
  localTz: string
  settings: TuiSettings
  deps: { env: Env; fetch: FetchLike }
}

const TITLE = "GLM Coding Plan quota"
const READING: DialogText = { title: TITLE, message: "Reading the quota…" }

/**
 * 2.2.5's alert dialog: a message area about 54 columns wide whatever the screen (read under tmux at 100x30 and
 * 120x40), and the screen's height less its frame, title and button.
 */
function boxOf(c: DialogCtx): DialogBox {
  const h = (c.api.renderer as { height?: unknown } | undefined)?.height
  return { columns: 54, rows: Math.max(8, (typeof h === "number" && h > 0 ? h : 30) - 14) }
}

function dialogFor(c: DialogCtx): DialogText | null {
  const state = c.feed.rebuild()
  const d = state.data
  const box = boxOf(c)
  if (d.kind === "report")
    return reportDialog(d.report, {
      box,
      now: c.now(),
      localTimeZone: c.localTz,
      peakTimeZone: c.settings.peak.timeZone,
      planLabel: d.planLabel,
      staleReason: state.error?.message ?? null,
    })
  if (d.kind === "no_key") return problemDialog(state.error ?? noKeyError(), box)
  if (d.kind === "failed") return problemDialog(d.error, box)
  return null
}

export async function openReport2(c: DialogCtx): Promise<void> {
  let open = true
  let shown: DialogText = dialogFor(c) ?? READING
  const show = (t: DialogText) => {
    shown = t
    void c.api.ui.dialog.alert(t).then(() => {
      if (shown === t) open = false
    })
  }
  show(shown)
  const off = c.feed.onChange(() => {
    try {
      const next = dialogFor(c)
      if (!open || next === null || (next.title === shown.title && next.message === shown.message)) return
      show(next)
    } catch {
      // the dialog keeps what it shows
    }
  })
  try {
    await c.feed.refresh()
  } finally {
    // Later readings are drawn while it is open; the listener goes with the dialog.
    const stop = setInterval(() => {
      if (open) return
      off()
      clearInterval(stop)
    }, 1000)
  }
}

export async function openDoctor2(c: DialogCtx): Promise<void> {
  const title = "GLM Coding Plan set-up"
  void c.api.ui.dialog.alert({ title, message: "Checking the set-up…" })
  const { doctorText } = await import("../tui/doctor.ts")
  const message = await doctorText({ env: c.deps.env, fetch: c.deps.fetch, now: c.now, settings: c.settings, cwd: "." })
  void c.api.ui.dialog.alert({ title, message })
}
