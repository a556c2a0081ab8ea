// What the OpenCode 2 TUI half uses of the TUI api `setup(api)` receives (tui.ts tells it from 1.x's), in a file of its
// own so that the toasts and the dialogs do not import tui.ts back.

export interface TuiApi2 {
  options?: unknown
  theme?: unknown
  renderer?: unknown
  ui: {
    toast: { show: (t: { title?: string; message: string; variant?: string; duration?: number }) => void }
    dialog: { alert: (t: { title: string; message: string }) => Promise<void> }
    slot: (claim: { append: string; render: (input: { sessionID?: string } | undefined) => unknown }) => unknown
  }
  keymap: { layer: (fn: () => { mode?: string; commands: object[] }) => void }
  data?: { on?: (type: string, fn: (event: unknown) => void) => unknown }
}
