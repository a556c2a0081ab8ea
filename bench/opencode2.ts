// The OpenCode 2 start-up row of the bench: how long `opencode serve` (2.2.5) takes from spawn until a plugin is
// active in /api/plugin, with this package's directory in `plugins` against an empty plugin — interleaved starts in
// isolated trees made as the end-to-end tests make them (test/e2e/opencode2.ts), medians compared. What a 2.x user
// waits for is that span.
import { spawn } from "node:child_process"
import { rmSync } from "node:fs"
import { createServer } from "node:net"
import { isolate2, OPENCODE2_BIN, PASSWORD } from "../test/e2e/opencode2.ts"

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** Milliseconds from spawn until plugin `id` is active (`dir` its directory), in a fresh isolated tree. */
export async function timeToActive(dir: string, id: string, env: Record<string, string>): Promise<number> {
  // No model is asked: the provider's URL is never called.
  const { home, dir: project, env: isolated } = await isolate2({ plugin: dir, modelUrl: "http://127.0.0.1:9/v1", env })
  const port = await freePort()
  const t0 = performance.now()
  const child = spawn(OPENCODE2_BIN, ["serve", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: project,
    detached: true,
    stdio: "ignore",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...isolated },
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
