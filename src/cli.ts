// The `glm-quota` command's process: its arguments, environment and streams handed to runCli. Bundled as
// dist/cli-main.cjs, which the bin (src/cli-bin.ts, dist/cli.cjs) starts from a code cache.
import { fstatSync, writeSync } from "node:fs"
import { runCli } from "./cli/run.ts"

/**
 * Writes to fd 1 or 2. process.stdout and process.stderr are made at their first use, and for a pipe or a file (a
 * status bar, `| jq`, a log) that loads Node's net and stream modules: ~3 ms of a status line's ~10. So they are made
 * only for a character device — a terminal, where isTTY and the width need them (or /dev/null) — and otherwise the
 * text goes to the descriptor itself, synchronously as Node writes to pipes and files. Should that fail (EAGAIN on a
 * pipe someone made non-blocking, EPIPE), the rest goes through the stream, as it always did.
 */
function writer(fd: 1 | 2): { direct: boolean; write: (text: string) => void; written: () => boolean } {
  let direct = false
  try {
    direct = !fstatSync(fd).isCharacterDevice()
  } catch {
    // no such descriptor: the stream will say so
  }
  let stream: NodeJS.WriteStream | null = null
  const write = (text: string) => {
    const bytes = Buffer.from(text)
    let done = 0
    try {
      while (direct && done < bytes.length) done += writeSync(fd, bytes, done)
    } catch {
      direct = false
    }
    if (done === bytes.length) return
    stream = fd === 1 ? process.stdout : process.stderr
    stream.write(bytes.subarray(done))
  }
  /** Whether all of it is out: written to the descriptor, or sent by the stream (a terminal's is synchronous). */
  const written = () => stream === null || stream.writableLength === 0
  return { direct, write, written }
}

const out = writer(1)
const err = writer(2)
const io = {
  stdout: out.write,
  stderr: err.write,
  isTTY: !out.direct && Boolean(process.stdout.isTTY),
  columns: out.direct ? undefined : process.stdout.columns,
  // process.uptime(), not performance.now(): the same count from the process start, without loading perf_hooks (~1 ms).
  elapsedMs: () => process.uptime() * 1000,
}
runCli(process.argv.slice(2), process.env, io).then(
  (code) => {
    process.exitCode = code
    // The answer is out and nothing is pending (the cache files and the lease are written synchronously): what is left
    // is Node's own teardown — the sockets the server is still closing, the heap — about 2 ms of a cold `--json`.
    // Unless a stream still holds some of the output: then it drains first, and the process ends by itself.
    if (out.written() && err.written()) process.exit()
  },
  (e: unknown) => {
    err.write(
      `glm-quota: an unexpected error stopped the report (${(e as Error)?.name ?? "Error"}): please report it with the output of glm-quota --json.\n`,
    )
    process.exitCode = 1
  },
)
