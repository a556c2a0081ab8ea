// Drives the real opencode TUI under tmux, as a person would: type, press Enter, read the screen.
import { execFileSync, spawnSync } from "node:child_process"
import { makeIsolated, OPENCODE_BIN, sleep, type Isolated, type IsolationOptions } from "./harness.ts"

export const HAS_TMUX = spawnSync("tmux", ["-V"]).status === 0

const quote = (s: string) => "'" + s.replace(/'/g, "'\\''") + "'"

export interface Tui {
  iso: Isolated
  screen(): string
  /** Polls the screen until `pattern` shows, or throws with the last screen. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>
  type(text: string): void
  key(name: string): void
  stop(): Promise<void>
}

let counter = 0

export async function startTui(o: IsolationOptions & { width?: number; height?: number }): Promise<Tui> {
  const iso = await makeIsolated(o)
  const socket = `glmq-${process.pid}-${counter++}`
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" })
  const env = { ...iso.env, TERM: "xterm-256color", COLORTERM: "truecolor" }
  const cmd = `cd ${quote(iso.dir)} && exec env -i ${Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`).join(" ")} ${quote(OPENCODE_BIN)}`
  tmux("new-session", "-d", "-s", "t", "-x", String(o.width ?? 160), "-y", String(o.height ?? 45), cmd)
  const panePid = Number(tmux("display", "-p", "-t", "t", "#{pane_pid}").trim())
  const screen = () => tmux("capture-pane", "-p", "-t", "t")
  const tui: Tui = {
    iso,
    screen,
    async waitFor(pattern, timeoutMs = 45_000) {
      const until = Date.now() + timeoutMs
      let last = ""
      while (Date.now() < until) {
        last = screen()
        if (pattern.test(last)) return last
        await sleep(300)
      }
      throw new Error(`screen never showed ${pattern}; last screen:\n${last}`)
    },
    type: (text) => void tmux("send-keys", "-t", "t", "-l", text),
    key: (name) => void tmux("send-keys", "-t", "t", name),
    async stop() {
      try {
        tmux("kill-server")
      } catch {
        // already gone
      }
      await sleep(300)
      for (const pid of [-panePid, panePid]) {
        try {
          process.kill(pid, "SIGKILL")
        } catch {
          // already gone
        }
      }
      if (iso.ownsMock) await iso.mock.close().catch(() => undefined)
      execFileSync("rm", ["-rf", iso.root])
    },
  }
  return tui
}
