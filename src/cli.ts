// The `glm-quota` command's process: its arguments, environment and streams handed to runCli. Bundled as
// dist/cli-main.cjs, which the bin (src/cli-bin.ts, dist/cli.cjs) starts from a code cache.
import { fstatSync, writeSync } from "node:fs"
import { runCli } from "./cli/run.ts"

/**
 * Writes to fd 1 or 2. process.stdout and process.stderr are made at their first use, and for a pipe or a file (a
 * status bar, `| jq`, a log) that loads Node's net and stream modules: ~3 ms of a status line's ~10. So they are made
 * only for a character device — a terminal, where isTTY and the width need them (or /dev/null) — and otherwise the
 * text goes to the descriptor itself, synchronously as Node writes to pipes and files. Should that fail with EAGAIN (a
 * pipe someone made non-blocking), the rest goes through the stream, as it always did. Any other failure (EPIPE: the
 * reader is gone; ENOSPC: /dev/full, a full disk) means the output is lost: `failed` says so, and the exit status
 * will not claim a report was printed.
 */
function writer(fd: 1 | 2): {
  direct: boolean
  write: (text: string) => void
  written: () => boolean
  failed: () => boolean
  streamed: () => boolean
} {
  let direct = false
  try {
    direct = !fstatSync(fd).isCharacterDevice()
  } catch {
    // no such descriptor: the stream will say so
  }
  let stream: NodeJS.WriteStream | null = null
  let failed = false
  const write = (text: string) => {
    if (failed) return
    const bytes = Buffer.from(text)
    let done = 0
    try {
      while (direct && done < bytes.length) done += writeSync(fd, bytes, done)
    } catch (err) {
      direct = false
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") {
        failed = true
        return
      }
    }
    if (done === bytes.length) return
    if (stream === null) {
      stream = fd === 1 ? process.stdout : process.stderr
      // A write error arrives as an event: without a listener it would crash the process with a stack trace.
      stream.on("error", () => {
        failed = true
        if (fd === 1) process.exitCode = 1
      })
    }
    stream.write(bytes.subarray(done))
  }
  /** Whether all of it is out: written to the descriptor, or sent by the stream (a terminal's is synchronous). */
  const written = () => failed || stream === null || stream.writableLength === 0
  return { direct, write, written, failed: () => failed, streamed: () => stream !== null }
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
/** The output could not be written: exit 1, and say so on stderr (where it can still be written). */
const lost = () => {
  if (!out.failed()) return false
  // The status line never writes to stderr (a status bar shows whatever arrives there): its exit status says it.
  if (!process.argv.includes("--line"))
    err.write("glm-quota: the output could not be written (the reader closed it, or the disk is full).\n")
  return true
}

runCli(process.argv.slice(2), process.env, io).then(
  (code) => {
    const finish = () => {
      process.exitCode = lost() ? 1 : code
      // The answer is out and nothing is pending (the cache files and the lease are written synchronously): what is
      // left is Node's own teardown — the sockets the server is still closing, the heap — about 2 ms of a cold
      // `--json`. Unless a stream still holds some of the output: then it drains first, and the process ends by itself
      // (an error of that stream sets the status then).
      if (out.written() && err.written()) process.exit()
    }
    // A stream reports a failed write on the next tick (/dev/full): let it, before the status is decided.
    if (out.streamed()) setImmediate(finish)
    else finish()
  },
  (e: unknown) => {
    err.write(
      `glm-quota: an unexpected error stopped the report (${(e as Error)?.name ?? "Error"}): please report it with the output of glm-quota --json.\n`,
    )
    process.exitCode = 1
  },
)
