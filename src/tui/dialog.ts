// One dialog of ours in OpenCode's dialog stack, and whether it is still the one open. OpenCode 1.18.33 calls a
// dialog's onClose when it goes: Esc or ctrl+c (the top one), `clear`, and every `replace` (each dialog in the stack,
// ours included) — so a text that arrives later is drawn only while ours is still on screen, never over another.
import type { TuiPluginApi } from "@opencode-ai/plugin/tui"
import type { DialogText } from "./dialog-text.ts"

export interface OwnDialog {
  /** Opens the dialog, or redraws it with a new text. */
  show(text: DialogText): void
  /** Whether the last text shown is still on screen (not closed, not replaced by anything else). */
  readonly open: boolean
}

/** `onGone` runs once ours has left the screen (closed, or replaced by another dialog). */
export function ownDialog(api: TuiPluginApi, onGone: () => void = () => {}): OwnDialog {
  let shown = 0
  let open = false
  return {
    show(text) {
      const me = ++shown
      api.ui.dialog.replace(
        () => api.ui.DialogAlert({ title: text.title, message: text.message }),
        () => {
          if (me !== shown || !open) return
          open = false
          try {
            onGone()
          } catch {
            // the caller's clean-up is its own
          }
        },
      )
      open = true
      try {
        api.ui.dialog.setSize("large")
      } catch {
        // the default size will do
      }
    },
    get open() {
      return open
    },
  }
}
