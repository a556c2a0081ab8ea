// The set-up doctor in a TUI dialog (/glm-quota-doctor, /glm-quota doctor): the same checks as `glm-quota doctor`,
// with the advice as it is done in OpenCode (the plugin's `region` option), laid out for the dialog's box. No model
// call, nothing posted to the session.
import type { TuiPluginApi } from "@opencode-ai/plugin/tui"
import type { Env, FetchLike } from "../core/types.ts"
import { openCodeAdvice } from "../core/text/vocabulary.ts"
import { renderChecks, runPluginDoctor } from "../doctor/index.ts"
import type { Check } from "../doctor/types.ts"
import { ownDialog } from "./dialog.ts"
import { WIDE_BOX, type DialogBox } from "./dialog-text.ts"
import type { TuiSettings } from "../options/tui.ts"

export interface DoctorDialogDeps {
  api: TuiPluginApi
  env: Env
  fetch: FetchLike
  now: () => Date
  settings: TuiSettings
  /** The dialog's room now (the screen may be resized while the checks run); default WIDE_BOX. */
  box?: () => DialogBox
  /** Runs once the dialog has left the screen. */
  onGone?: () => void
}

/**
 * The checks as the dialog shows them: each wrapped with a hanging indent to the box's columns; when they need more
 * rows than the box has, the passed checks give way to one line counting them (the warnings and failures, and what to
 * do about them, always show).
 */
export function checksDialog(checks: readonly Check[], box: DialogBox): string {
  // The checks' fixes borrow the CLI's sentences (`--region china`): said the OpenCode way here.
  const said = checks.map((c) => ({ ...c, found: openCodeAdvice(c.found), fix: openCodeAdvice(c.fix) }))
  const full = renderChecks(said, box.columns).trimEnd()
  if (full.split("\n").length <= box.rows) return full
  const passed = said.filter((c) => c.status === "ok").length
  const rest = renderChecks(
    said.filter((c) => c.status !== "ok"),
    box.columns,
  ).trimEnd()
  const summary = `✓  ${passed} other check${passed === 1 ? "" : "s"} passed (a taller window lists them)`
  return passed === 0 ? rest : [rest, summary].filter((t) => t !== "").join("\n")
}

/** The checks' text for the dialog. */
export async function doctorText(
  d: Omit<DoctorDialogDeps, "api" | "box"> & { cwd: string; box?: DialogBox },
): Promise<string> {
  const checks = await runPluginDoctor({ env: d.env, fetch: d.fetch, now: d.now, cwd: d.cwd, settings: d.settings })
  return checksDialog(checks, d.box ?? WIDE_BOX)
}

export async function openDoctor(d: DoctorDialogDeps): Promise<void> {
  const dialog = ownDialog(d.api, d.onGone)
  const show = (message: string) => dialog.show({ title: "GLM Coding Plan set-up", message })
  try {
    show("Checking the set-up…")
    const checks = await runPluginDoctor({
      env: d.env,
      fetch: d.fetch,
      now: d.now,
      cwd: d.api.state.path.directory,
      settings: d.settings,
    })
    if (dialog.open) show(checksDialog(checks, d.box?.() ?? WIDE_BOX))
  } catch {
    try {
      d.api.ui.toast({
        title: "glm-quota",
        message: "The set-up checks could not run just now: try again.",
        variant: "warning",
        duration: 8000,
      })
    } catch {
      // the toast is a courtesy
    }
  }
}
