// docs/options.md's table is the option tables' (scripts/options-doc.ts writes it from the schemas both halves
// validate with): a new option, a changed range or description makes the page stale, and this test says so until
// `npx tsx scripts/manifest.ts` rewrites it.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { BEGIN, END, withOptions } from "../../scripts/options-doc.ts"
import { SERVER_OPTION_NAMES } from "../../src/options/server.ts"
import { TUI_OPTION_NAMES } from "../../src/options/tui.ts"
import { ROOT } from "../helpers.ts"

const page = readFileSync(join(ROOT, "docs", "options.md"), "utf8")

describe("docs/options.md", () => {
  it("holds the table the option tables make (run `npx tsx scripts/manifest.ts` when this fails)", () => {
    expect(withOptions(page)).toBe(page)
  })

  it("has one row per option of either half, saying which half reads it", () => {
    const table = page.slice(page.indexOf(BEGIN), page.indexOf(END))
    const rows = [...table.matchAll(/^\| `(\w+)` \| (both|server|TUI) \|/gm)].map((m) => [m[1], m[2]])
    const names = [...new Set([...SERVER_OPTION_NAMES, ...TUI_OPTION_NAMES])]
    expect(rows.map(([n]) => n).sort()).toEqual([...names].sort())
    for (const [name, half] of rows) {
      const inServer = SERVER_OPTION_NAMES.includes(name!)
      const inTui = TUI_OPTION_NAMES.includes(name!)
      expect(half).toBe(inServer && inTui ? "both" : inServer ? "server" : "TUI")
    }
  })
})
