// Two real Node processes append 10,000 records each to the same store at the same moment: all 20,000 come back.
import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { dayIndex, segmentName } from "../../src/local/segment.ts"
import { LocalStore } from "../../src/local/store.ts"

const CHILD = join(import.meta.dirname, "fixtures", "append-child.mjs")
const NOW = Date.parse("2026-03-02T12:00:00.000Z")
const COUNT = 10_000
const root = mkdtempSync(join(tmpdir(), "glmq-two-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function start(dir: string, tag: string): { child: ChildProcess; ready: Promise<void>; done: Promise<string> } {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, dir, String(COUNT), tag, String(NOW)], {
    stdio: ["pipe", "pipe", "pipe"],
  })
  let out = ""
  let err = ""
  let onReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => (onReady = resolve))
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString()
    if (out.includes("ready")) onReady()
  })
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()))
  const done = new Promise<string>((resolve, reject) =>
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`child ${tag} exited ${code}: ${err}`)))),
  )
  return { child, ready, done }
}

describe("two processes at once", () => {
  it("lose nothing: 2 × 10,000 appends read back as 20,000 whole records", async () => {
    const dir = join(root, "glm-quota")
    const a = start(dir, "ses_a")
    const b = start(dir, "ses_b")
    await Promise.all([a.ready, b.ready])
    a.child.stdin!.write("go\n")
    b.child.stdin!.write("go\n")
    const [outA, outB] = await Promise.all([a.done, b.done])
    expect(outA).toContain(`done ${COUNT}`)
    expect(outB).toContain(`done ${COUNT}`)

    const store = new LocalStore({ dir, now: () => new Date(NOW) })
    const got = store.read(0)
    expect(got.warnings).toEqual([])
    expect(got.skippedLines).toBe(0)
    expect(got.records).toHaveLength(2 * COUNT)
    for (const tag of ["ses_a", "ses_b"]) {
      const seen = new Set<number>()
      for (const r of got.records) if (r.kind === "call" && r.session === tag) seen.add(r.input)
      expect(seen.size).toBe(COUNT)
    }
    // every line on disk is one whole record
    const lines = readFileSync(join(dir, segmentName(dayIndex(NOW))), "utf8").split("\n")
    expect(lines.pop()).toBe("")
    expect(lines).toHaveLength(2 * COUNT)
    for (const line of lines) expect(line).toMatch(/^\["c",\d+,"ses_[ab]","glm-4\.7",\d+,1,2,3\]$/)
  })
})
