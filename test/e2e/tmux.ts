// The real OpenCode TUI under tmux, for tests: an isolated HOME/XDG tree (test/e2e/isolation.ts), one tmux server per
// TUI (its own socket), the screen read with capture-pane and polled, never slept on.
//
//   const tui = await startTui({ pluginSpec, tuiConfig: { plugin: [[spec, opts]] }, env: { … } })
//   await tui.waitFor(/Ask anything/)
//   tui.type("/glm-quota"); tui.press("Enter")
//   await tui.stop()
import { execFileSync, spawnSync } from "node:child_process"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { makeIsolated, type IsolationOptions, type Isolated } from "./isolation.ts"
import { OPENCODE_BIN } from "./opencode.ts"
import { REPO_ROOT, sleep } from "./util.ts"
import { rm } from "node:fs/promises"

export const HAS_TMUX = spawnSync("tmux", ["-V"]).status === 0
// In CI a missing tmux is a failure, not a silent skip of every TUI test (.ci/run installs it or stops).
if (!HAS_TMUX && process.env.CI)
  throw new Error("tmux is not installed: the TUI end-to-end tests need it (apt-get install tmux)")

export type TuiOptions = IsolationOptions & {
  width?: number
  height?: number
  /** Where screens are saved (`save(label)`); default .tmp/tui-e2e/<socket>. */
  outDir?: string
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR"
}

export interface Tui {
  iso: Isolated
  socket: string
  /** The screen now (plain text). */
  screen(): string
  /** Polls the screen until `pred` matches; resolves with that screen, rejects with the last one after `timeoutMs`. */
  waitFor(pred: RegExp | ((screen: string) => boolean), timeoutMs?: number, what?: string): Promise<string>
  /** Types literal text. */
  type(text: string): void
  /** Presses keys by tmux name ("Enter", "Escape", "C-p"). */
  press(...keys: string[]): void
  /** Saves the screen to outDir/NN-label.txt and returns it. */
  save(label: string): string
  /** The binary's log (stderr with --print-logs). */
  log(): string
  stop(): Promise<void>
}

let counter = 0
const q = (s: string) => "'" + s.replace(/'/g, "'\\''") + "'"

export async function startTui(o: TuiOptions): Promise<Tui> {
  const iso = await makeIsolated(o)
  const socket = `glmq-${process.pid}-${++counter}`
  const outDir = o.outDir ?? join(REPO_ROOT, ".tmp/tui-e2e", socket)
  mkdirSync(outDir, { recursive: true })
  const logFile = join(iso.root, "tui-stderr.log")
  const env = { ...iso.env, TERM: "xterm-256color", COLORTERM: "truecolor" }
  const assigns = Object.entries(env)
    .map(([k, v]) => `${k}=${q(v)}`)
    .join(" ")
  const cmd = `cd ${q(iso.dir)} && exec env -i ${assigns} ${q(OPENCODE_BIN)} --print-logs --log-level ${o.logLevel ?? "INFO"} 2>${q(logFile)}`
  const T = (...a: string[]) => execFileSync("tmux", ["-L", socket, ...a], { encoding: "utf8" })
  T("new-session", "-d", "-s", "t", "-x", String(o.width ?? 160), "-y", String(o.height ?? 45), cmd)
  const panePid = Number(T("display", "-p", "-t", "t", "#{pane_pid}").trim())
  let saved = 0
  let stopped = false

  const screen = () => {
    try {
      return T("capture-pane", "-p", "-t", "t")
    } catch {
      return ""
    }
  }
  const tui: Tui = {
    iso,
    socket,
    screen,
    async waitFor(pred, timeoutMs = 60_000, what) {
      const test = typeof pred === "function" ? pred : (s: string) => pred.test(s)
      const deadline = Date.now() + timeoutMs
      let last = ""
      for (;;) {
        last = screen()
        if (test(last)) return last
        if (Date.now() > deadline) {
          const file = join(outDir, `timeout-${Date.now()}.txt`)
          writeFileSync(file, last)
          throw new Error(
            `screen did not show ${what ?? String(pred)} within ${timeoutMs} ms (saved ${file}):\n${last}`,
          )
        }
        await sleep(250)
      }
    },
    type(text) {
      T("send-keys", "-t", "t", "-l", "--", text)
    },
    press(...keys) {
      T("send-keys", "-t", "t", ...keys)
    },
    save(label) {
      const s = screen()
      writeFileSync(join(outDir, `${String(++saved).padStart(2, "0")}-${label}.txt`), s)
      return s
    },
    log() {
      try {
        return readFileSync(logFile, "utf8")
      } catch {
        return ""
      }
    },
    async stop() {
      if (stopped) return
      stopped = true
      try {
        writeFileSync(join(outDir, "tui-stderr.log"), tui.log())
      } catch {
        // best effort
      }
      try {
        T("kill-server")
      } catch {
        // already gone
      }
      for (let i = 0; i < 20; i++) {
        try {
          process.kill(panePid, 0)
        } catch {
          break
        }
        await sleep(100)
      }
      try {
        process.kill(-panePid, "SIGKILL")
      } catch {
        // gone
      }
      try {
        process.kill(panePid, "SIGKILL")
      } catch {
        // gone
      }
      if (iso.ownsMock) await iso.mock.close().catch(() => undefined)
      if (process.env.E2E_KEEP !== "1")
        await rm(iso.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined)
    },
  }
  return tui
}
