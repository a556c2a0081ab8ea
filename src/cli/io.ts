// What the command is handed of its process: where it writes, whether that is a terminal, its clock since start, its
// HTTP client and directory. src/cli.ts makes it from the real process; tests make their own.
import type { FetchLike } from "../core/types.ts"

/** Where the command writes, and what it knows of the process it runs in. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** Whether stdout is a terminal (colours), and its width in columns (the report wraps there; 80 when unknown). */
  isTTY: boolean
  columns?: number
  /** Milliseconds since the process started: the 8 s budget counts from then, however slowly Node itself started. */
  elapsedMs?: () => number
  /** The HTTP client; default: Node's, through undici (proxies from HTTPS_PROXY / NO_PROXY). */
  fetch?: FetchLike
  /** The project directory the doctor reads opencode.json / tui.json from; default the process's. */
  cwd?: string
}
