// The test setup builds dist/ only for a run that reads it: which files a command line selects, as vitest reads it.
import { describe, expect, it } from "vitest"
import { fileFilters, selected } from "../global-setup.ts"

const FILES = ["test/core/peak.test.ts", "test/cli/cli.test.ts", "test/cli/line.test.ts", "test/e2e/tui.e2e.test.ts"]
const argv = (...words: string[]) => ["node", "/x/node_modules/vitest/vitest.mjs", ...words]

describe("the files a run selects", () => {
  it("a file or a folder selects what its path contains", () => {
    expect(selected(fileFilters(argv("run", "test/core/peak.test.ts")), FILES)).toEqual(["test/core/peak.test.ts"])
    expect(selected(fileFilters(argv("run", "./test/cli")), FILES)).toEqual(FILES.slice(1, 3))
    expect(selected(fileFilters(argv("run", "peak")), FILES)).toEqual(["test/core/peak.test.ts"])
  })

  it("an option's value is not a filter; no filter, or one that selects nothing, selects everything", () => {
    expect(fileFilters(argv("run", "--project", "unit", "-t", "quota peak", "test/core"))).toEqual(["test/core"])
    expect(selected(fileFilters(argv("run", "--project", "unit")), FILES)).toEqual(FILES)
    expect(selected(fileFilters(argv()), FILES)).toEqual(FILES)
    expect(selected(["no-such-file"], FILES)).toEqual(FILES)
  })
})
