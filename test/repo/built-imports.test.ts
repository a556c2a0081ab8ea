// The built TUI half as the opencode binary reads it. 1.18.33 gives a TUI plugin its own solid-js and @opentui/solid
// by rewriting the import specifiers it finds with the patterns below (copied from the binary; re-check with
// grep -a -o 'vU=\[.\{0,200\}' node_modules/opencode-linux-x64*/bin/opencode). An import they miss — esbuild's
// whitespace-minified `}from"solid-js"` — fails inside the TUI and the half silently never loads (the packed-tarball
// test in test/e2e/pack.e2e.test.ts shows it on screen). This says which file and which import, in milliseconds.
// reads: dist/ (reads the built bundles; the test setup builds it first)
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { ROOT } from "../helpers.ts"

/** What the binary supplies to TUI plugins itself (never bundled: scripts/build.mjs marks them external). */
const PROVIDED = /^(solid-js|@opentui\/solid)(\/|$)/
const BINARY_PATTERNS = [
  /(from\s+["'])([^"']+)(["'])/g,
  /(import\s+["'])([^"']+)(["'])/g,
  /(import\s*\(\s*["'])([^"']+)(["']\s*\))/g,
  /(require\s*\(\s*["'])([^"']+)(["']\s*\))/g,
]

const seenByBinary = (text: string) => new Set(BINARY_PATTERNS.flatMap((re) => [...text.matchAll(re)].map((m) => m[2])))
/** Every string literal naming a provided package, however it is imported. */
const named = (text: string) => [...text.matchAll(/["']((?:solid-js|@opentui\/solid)[^"']*)["']/g)].map((m) => m[1]!)

describe("the built TUI half", () => {
  const dist = join(ROOT, "dist")
  const files = ["tui.js", ...readdirSync(join(dist, "chunks")).map((f) => join("chunks", f))].filter(
    (f) => f.endsWith(".js") && named(readFileSync(join(dist, f), "utf8")).length > 0,
  )

  it("imports solid-js and @opentui/solid in a form the binary rewrites", () => {
    expect(files).toContain("tui.js")
    for (const f of files) {
      const text = readFileSync(join(dist, f), "utf8")
      const seen = seenByBinary(text)
      const missed = named(text).filter((s) => PROVIDED.test(s) && !seen.has(s))
      expect(missed, `${f}: imports the binary would not rewrite`).toEqual([])
    }
    // The renderer is shared with the OpenCode 2 half, so esbuild may put it in a chunk of its own.
    const all = files.flatMap((f) => named(readFileSync(join(dist, f), "utf8")))
    expect(all).toContain("solid-js")
    expect(all).toContain("@opentui/solid")
  })
})
