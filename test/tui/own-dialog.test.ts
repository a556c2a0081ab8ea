// ownDialog against a dialog stack that behaves as OpenCode 1.18.33's does: `replace` calls the onClose of every
// dialog in the stack, then holds only the new one; `clear` (Enter on an alert) and Esc call onClose too. Re-check in
// the binary: grep -a -o 'replace(y,U){.\{0,200\}' node_modules/opencode-linux-x64*/bin/opencode
import type { TuiPluginApi } from "@opencode-ai/plugin/tui"
import { describe, expect, it } from "vitest"
import { ownDialog } from "../../src/tui/dialog.ts"

function stack() {
  let entries: { message: string; onClose?: () => void }[] = []
  const api = {
    ui: {
      DialogAlert: (p: { title: string; message: string }) => p.message,
      dialog: {
        replace(render: () => unknown, onClose?: () => void) {
          for (const e of entries) e.onClose?.()
          entries = [{ message: String(render()), onClose }]
        },
        clear() {
          for (const e of entries) e.onClose?.()
          entries = []
        },
        setSize() {},
      },
    },
  }
  return {
    api: api as unknown as TuiPluginApi,
    top: () => entries.at(-1)?.message ?? null,
    escape: () => {
      entries.at(-1)?.onClose?.()
      entries = entries.slice(0, -1)
    },
  }
}

const text = (message: string) => ({ title: "t", message })

describe("ownDialog", () => {
  it("stays open while it redraws itself; gone on Esc, on clear, or when another dialog replaces it", () => {
    for (const close of ["escape", "clear", "other"] as const) {
      const s = stack()
      let gone = 0
      const d = ownDialog(s.api, () => gone++)
      d.show(text("reading"))
      d.show(text("report"))
      expect(d.open).toBe(true)
      expect(s.top()).toBe("report")
      expect(gone).toBe(0)
      if (close === "escape") s.escape()
      if (close === "clear") s.api.ui.dialog.clear()
      if (close === "other") s.api.ui.dialog.replace(() => "someone else's")
      expect(d.open, close).toBe(false)
      expect(gone, close).toBe(1)
    }
  })

  it("a clean-up that throws does not reach OpenCode", () => {
    const s = stack()
    const d = ownDialog(s.api, () => {
      throw new Error("boom")
    })
    d.show(text("report"))
    expect(() => s.escape()).not.toThrow()
    expect(d.open).toBe(false)
  })
})
