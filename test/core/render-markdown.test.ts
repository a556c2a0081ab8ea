// Names that came from a server cannot change the Markdown the session shows: escaped, never interpreted.
import { describe, expect, it } from "vitest"
import { buildReport } from "../../src/core/report/report.ts"
import { renderMarkdown } from "../../src/core/render/render-markdown.ts"
import type { QuotaSnapshot } from "../../src/core/types.ts"

const NOW = new Date("2026-11-28T04:00:00Z")

describe("renderMarkdown with hostile names", () => {
  it("escapes formatting in the plan label, an unknown window's type and the MCP tool names", () => {
    const snapshot: QuotaSnapshot = {
      plan: null,
      planLabel: "[click](http://evil.example)",
      region: "international",
      fetchedAt: NOW.toISOString(),
      windows: [
        {
          kind: "mcp_monthly",
          meter: "calls",
          usedPercent: 3,
          used: 3,
          limit: 100,
          remaining: 97,
          resetsAt: null,
          tools: { "`rm -rf`": 2, "**bold**": 1 },
        },
        {
          kind: "other",
          meter: "tokens",
          usedPercent: 1,
          used: null,
          limit: null,
          remaining: null,
          resetsAt: null,
          type: "<img src=x>|_x_",
          unit: 9,
          number: 1,
        },
      ],
    }
    const md = renderMarkdown(buildReport(snapshot, { now: NOW }), {
      now: NOW,
      localTimeZone: "UTC",
      planLabel: snapshot.planLabel,
    })
    expect(md).toContain("GLM Coding Plan · \\[click\\](http://evil.example)")
    expect(md).toContain("\\`rm -rf\\` 2 · \\*\\*bold\\*\\* 1")
    expect(md).toContain("\\<img src=x\\>\\|\\_x\\_")
    expect(md).not.toMatch(/(^|[^\\])\[click\]/)
  })
})
