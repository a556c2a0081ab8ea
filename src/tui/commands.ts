// The TUI half's commands in OpenCode 1.18.33: "GLM quota" and "GLM set-up doctor" in the command palette, and the
// dialogs they open. One /glm-quota in the slash autocomplete: when the server half is loaded its /glm-quota is listed
// (it is the one that takes arguments: the TUI sends `/glm-quota doctor` to the server), and the TUI half claims what
// it types — the server half asks (quota/claim.ts), the TUI opens its dialog, nothing is posted into the session.
// Without the server half, the TUI's own entry is the /glm-quota of the autocomplete.
import type { TuiCommand, TuiPluginApi } from "@opencode-ai/plugin/tui"
import type { Env, FetchLike } from "../core/types.ts"
import { serveClaims, type ClaimKind } from "../quota/claim.ts"
import { boxOf, openReport, type ReportCtx } from "./report-dialog.ts"

export const COMMAND = "glm-quota"
export const COMMAND_DESCRIPTION = "The GLM Coding Plan quota in a dialog (no model call)"
/** The set-up checks' dialog; its code (src/tui/doctor.ts and the doctor itself) is loaded when it is first opened. */
export const DOCTOR_COMMAND = "glm-quota-doctor"

export interface CommandCtx extends ReportCtx {
  deps: { env: Env; fetch: FetchLike }
}

function openDoctorLazily(c: CommandCtx, onGone?: () => void): void {
  import("./doctor.ts")
    .then(({ openDoctor }) =>
      openDoctor({
        api: c.api,
        env: c.deps.env,
        fetch: c.deps.fetch,
        now: c.now,
        settings: c.settings,
        box: () => boxOf(c.api),
        onGone,
      }),
    )
    .catch(() => c.toast("glm-quota", "The set-up checks could not be loaded: restart OpenCode, then try again."))
}

function entries(c: CommandCtx, slash: boolean): TuiCommand[] {
  return [
    {
      title: "GLM quota",
      value: "glm-quota.report",
      description: COMMAND_DESCRIPTION,
      category: "GLM",
      ...(slash ? { slash: { name: COMMAND } } : {}),
      onSelect: () => {
        void openReport(c)
      },
    },
    {
      title: "GLM set-up doctor",
      value: "glm-quota.doctor",
      description: "The GLM Coding Plan set-up checks in a dialog (no model call)",
      category: "GLM",
      slash: { name: DOCTOR_COMMAND },
      onSelect: () => openDoctorLazily(c),
    },
  ]
}

/** Whether the server this TUI talks to has a /glm-quota (the server half is loaded); null when it cannot be asked. */
async function serverHasCommand(api: TuiPluginApi): Promise<boolean | null> {
  try {
    const res = (await api.client.command.list()) as { data?: { name?: unknown }[] }
    if (!Array.isArray(res.data)) return null
    return res.data.some((x) => x.name === COMMAND)
  } catch {
    return null
  }
}

/** Once the dialog stack has settled after ours closed. */
const TIDY_AFTER_MS = 50

/**
 * Typed on the home screen, the command made the TUI create a session just to send it, and then move there; the
 * command posts nothing, so that session stays empty. When the dialog is closed: back home (its prompt takes the
 * keys again), and the empty session goes (after the move home, so OpenCode does not announce that "the current
 * session was deleted"). A session with any message is left alone.
 */
function tidy(api: TuiPluginApi, sessionID: string): void {
  const timer = setTimeout(() => {
    try {
      if (api.state.session.messages(sessionID).length > 0) return
      const route = api.route.current
      if (route.name === "session" && route.params?.sessionID === sessionID) api.route.navigate("home")
      void api.client.session.delete({ sessionID }).catch(() => undefined)
    } catch {
      // an empty session left over is harmless
    }
  }, TIDY_AFTER_MS)
  ;(timer as { unref?: () => void }).unref?.()
}

/** Registers the commands and starts claiming the server command's arguments; returns what undoes both. */
export function registerCommands(c: CommandCtx): () => void {
  const register = c.api.command?.register
  if (register === undefined) return () => {}
  let stopped = false
  let dispose = register(() => entries(c, false))
  void serverHasCommand(c.api).then((has) => {
    if (stopped || has === true) return
    try {
      dispose()
      dispose = register(() => entries(c, true))
    } catch {
      // the palette entries stay
    }
  })
  const take = (kind: ClaimKind, sessionID: string): boolean => {
    // A refused key: this half says it (plugin.ts, from its own feed), so the server half stays quiet.
    if (kind === "access") return true
    const after = () => tidy(c.api, sessionID)
    if (kind === "doctor") openDoctorLazily(c, after)
    else void openReport(c, kind === "full", after)
    return true
  }
  const stopClaims = serveClaims(take)
  return () => {
    stopped = true
    stopClaims()
    dispose()
  }
}
