// The OpenCode 2 start-up row of the bench: how long `opencode serve` (2.2.5) takes from spawn until a plugin is
// active in /api/plugin, with this package's directory in `plugins` against an empty plugin — interleaved starts in
// isolated HOMEs, medians compared. What a 2.x user waits for is that span.
import { spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { hostBin } from "../test/hosts/hosts.ts"

const PASSWORD = "bench"

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** Milliseconds from spawn until plugin `id` is active (`package` its directory), in a fresh isolated tree. */
export async function timeToActive(dir: string, id: string, env: Record<string, string>): Promise<number> {
  const home = mkdtempSync(join(tmpdir(), "glmq-bench-oc2-"))
  const project = join(home, "project")
  for (const d of [project, join(home, "run"), join(home, "tmp")]) mkdirSync(d, { recursive: true })
  writeFileSync(join(project, "opencode.json"), JSON.stringify({ plugins: [dir] }))
  const port = await freePort()
  const t0 = performance.now()
  const child = spawn(hostBin(2), ["serve", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: project,
    detached: true,
    stdio: "ignore",
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      XDG_CONFIG_HOME: join(home, ".config"),
      XDG_DATA_HOME: join(home, ".local", "share"),
      XDG_CACHE_HOME: join(home, ".cache"),
      XDG_STATE_HOME: join(home, ".local", "state"),
      XDG_RUNTIME_DIR: join(home, "run"),
      TMPDIR: join(home, "tmp"),
      OPENCODE_DISABLE_AUTOUPDATE: "1",
      OPENCODE_DISABLE_MODELS_FETCH: "1",
      OPENCODE_SERVER_PASSWORD: PASSWORD,
      ...env,
    },
  })
  const auth = `Basic ${Buffer.from(`opencode:${PASSWORD}`).toString("base64")}`
  const url = `http://127.0.0.1:${port}/api/plugin?directory=${encodeURIComponent(project)}`
  try {
    for (const deadline = t0 + 60_000; performance.now() < deadline;) {
      try {
        const res = await fetch(url, { headers: { authorization: auth }, signal: AbortSignal.timeout(2000) })
        const body = (await res.json()) as { data?: { id: string; state?: { status?: string } }[] }
        if (body.data?.some((p) => p.id === id && p.state?.status === "active")) return performance.now() - t0
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error(`plugin ${id} never became active in OpenCode 2`)
  } finally {
    try {
      process.kill(-child.pid!, "SIGKILL")
    } catch {
      // gone
    }
    rmSync(home, { recursive: true, force: true })
  }
}
