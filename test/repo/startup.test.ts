// What OpenCode reads of the built plugin when an instance starts (dist/index.js) or the TUI does (dist/tui.js):
// each entry and the chunks it imports statically. In the opencode binary every kilobyte of it costs start-up
// (test/e2e/FINDINGS.md §7), so what is not needed at once is a dynamic import and this closure stays small. The
// bench times the server half.
// reads: dist/ (measures the built entries; the test setup builds it first)
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { describe, expect, it } from "vitest"
import { ROOT } from "../helpers.ts"

/** Bytes the server entry's start-up reads (itself and its static imports), at most. */
const MAX_STARTUP_BYTES = 16 * 1024

const specifiers = (text: string, re: RegExp) =>
  [...text.matchAll(re)].map((m) => m[1]!).filter((s) => s.startsWith("."))
const staticImports = (text: string) => specifiers(text, /(?:from|import)\s*"([^"]+)"/g)
const dynamicImports = (text: string) => specifiers(text, /import\(\s*"([^"]+)"\s*\)/g)

function closure(entry: string): Map<string, string> {
  const seen = new Map<string, string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    const text = readFileSync(file, "utf8")
    seen.set(file, text)
    for (const s of staticImports(text)) visit(join(dirname(file), s))
  }
  visit(entry)
  return seen
}

describe("the server entry's start-up", () => {
  const entry = join(ROOT, "dist", "index.js")
  const files = closure(entry)
  const bytes = [...files.values()].reduce((n, t) => n + Buffer.byteLength(t), 0)

  it(`reads at most ${MAX_STARTUP_BYTES / 1024} kB`, () => {
    expect(bytes, [...files.keys()].join("\n")).toBeLessThanOrEqual(MAX_STARTUP_BYTES)
  })

  it("holds no zod: the tools' schemas come with the rest", () => {
    for (const [file, text] of files) expect(text.includes("_zod"), file).toBe(false)
  })

  it("leaves the rest of the plugin to two dynamic imports outside that closure: 1.x's rest, and the 2.x half", () => {
    const lazy = [...new Set([...files.values()].flatMap(dynamicImports))].map((f) => join(dirname(entry), f))
    expect(lazy).toHaveLength(2)
    for (const f of lazy) expect(files.has(f)).toBe(false)
    const isV2 = (f: string) => readFileSync(f, "utf8").includes("session.execution.succeeded")
    expect(lazy.filter(isV2)).toHaveLength(1)
    // 1.x's rest is where the quota service, the catalog and the reports are: far bigger than what start-up reads.
    const rest = lazy.find((f) => !isV2(f))!
    expect(Buffer.byteLength(readFileSync(rest, "utf8"))).toBeGreaterThan(bytes)
  })
})

describe("the TUI half's start-up", () => {
  // Its sidebar needs the report at once, so the quota service, the schemas and the renderers load with it; the set-up
  // doctor is only for /glm-quota-doctor and stays out, one dynamic import away.
  const entry = join(ROOT, "dist", "tui.js")
  const files = closure(entry)
  /** A sentence only the doctor says (src/doctor/config.ts). */
  const DOCTOR_ONLY = "uses the pay-as-you-go path"

  it("holds the widget but not the doctor, which is one dynamic import outside it", () => {
    const all = [...files.values()].join("\n")
    expect(all).toContain("glm-quota.report")
    expect(all.includes(DOCTOR_ONLY)).toBe(false)
    // Three dynamic imports: the doctor, this machine's record (the widget's last turn, read once a turn is drawn),
    // and the OpenCode 2 half (imported only when 2.x calls `setup`).
    const lazy = [...new Set([...files.values()].flatMap(dynamicImports))].map((f) => join(dirname(entry), f))
    expect(lazy).toHaveLength(3)
    for (const f of lazy) expect(files.has(f)).toBe(false)
    // Each lazy import with what it loads in turn (a chunk it shares with another entry included).
    const holds = (f: string, text: string) => [...closure(f).values()].some((t) => t.includes(text))
    expect(lazy.filter((f) => holds(f, DOCTOR_ONLY))).toHaveLength(1)
    expect(lazy.filter((f) => holds(f, "home.footer.status"))).toHaveLength(1)
  })
})
