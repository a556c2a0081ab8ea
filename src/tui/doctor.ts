// The set-up doctor in a TUI dialog (/glm-quota-doctor): the same checks as `glm-quota doctor`, with the advice as it
// is done in OpenCode (the plugin's `region` option). No model call, nothing posted to the session.
import type { TuiPluginApi } from "@opencode-ai/plugin/tui"
import type { Env, FetchLike } from "../core/types.ts"
import { openCodeAdvice } from "../core/text/vocabulary.ts"
import { renderChecks, runPluginDoctor } from "../doctor/index.ts"
import { ownDialog } from "./dialog.ts"
import type { TuiSettings } from "../options/tui.ts"

export interface DoctorDialogDeps {
  api: TuiPluginApi
  env: Env
  fetch: FetchLike
  now: () => Date
  settings: TuiSettings
}

/** The checks' text for the dialog (the dialog draws plain text). */
export async function doctorText(d: Omit<DoctorDialogDeps, "api"> & { cwd: string }): Promise<string> {
  const checks = await runPluginDoctor({ env: d.env, fetch: d.fetch, now: d.now, cwd: d.cwd, settings: d.settings })
  // The checks' fixes borrow the CLI's sentences (`--region china`): said the OpenCode way here.
  return openCodeAdvice(renderChecks(checks))
}

export async function openDoctor(d: DoctorDialogDeps): Promise<void> {
  const dialog = ownDialog(d.api)
  const show = (message: string) => dialog.show({ title: "GLM Coding Plan set-up", message })
  try {
    show("Checking the set-up…")
    const text = await doctorText({ ...d, cwd: d.api.state.path.directory })
    if (dialog.open) show(text)
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
