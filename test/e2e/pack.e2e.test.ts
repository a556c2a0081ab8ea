// What users install: `npm pack`, installed into a fresh directory, loads in the real binary and answers /glm-quota.
import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, ROOT } from "../helpers.ts"
import { startMockModel, type MockModel } from "./mock-model.ts"
import { startOpencode, type OpencodeServer } from "./opencode.ts"
import { HAS_TMUX, startTui } from "./tmux.ts"
import { stopAll } from "./util.ts"

describe.sequential("the packed tarball", { timeout: 180_000 }, () => {
  let work: string
  let installed: string
  let sim: Simulator
  let mock: MockModel
  let oc: OpencodeServer

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "glmq-pack-"))
    const out = execFileSync("npm", ["pack", "--json", "--pack-destination", work], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    })
    const tarball = join(work, (JSON.parse(out) as { filename: string }[])[0]!.filename)
    const app = join(work, "app")
    execFileSync("mkdir", ["-p", app])
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true }))
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--omit=dev", tarball], { cwd: app, stdio: "ignore" })
    installed = join(app, "node_modules", "glm-quota")
    sim = await startSimulator({
      now: () => new Date("2026-03-07T07:30:00Z"),
      state: { keys: [CANARY_KEY], fiveHourPercent: 61 },
    })
    mock = await startMockModel()
    oc = await startOpencode({
      pluginSpec: installed,
      mock,
      env: { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: "2026-03-07T07:30:00Z", TZ: "UTC" },
    })
  }, 180_000)

  afterAll(async () => {
    await stopAll(oc, mock, sim)
    if (work) rmSync(work, { recursive: true, force: true })
  })

  test("holds the built entry, the manifest, the README and the LICENSE, and no sources or tests", () => {
    expect(existsSync(join(installed, "dist", "index.js"))).toBe(true)
    expect(existsSync(join(installed, "dist", "cli.cjs"))).toBe(true)
    expect(existsSync(join(installed, "plugin.json"))).toBe(true)
    expect(readdirSync(installed).sort()).toEqual(["LICENSE", "README.md", "dist", "package.json", "plugin.json"])
    // One package: the runtime dependencies are inside the bundles, so the install brought nothing else.
    expect(
      readdirSync(join(installed, ".."))
        .filter((d) => !d.startsWith("."))
        .sort(),
    ).toEqual(["glm-quota"])
  })

  test("loads in opencode and answers /glm-quota with no model call", async () => {
    const sid = await oc.createSession()
    await oc.client.session.command({ path: { id: sid }, body: { command: "glm-quota", arguments: "" } })
    expect(await oc.sessionText(sid)).toMatch(/5-hour +█+░+ +61 %/)
    expect(mock.calls).toBe(0)
  })

  // Both halves from the installed package, as tui.json and opencode.json name it: the TUI half is dist/tui.js
  // (exports["./tui"]), which the binary loads with its own solid-js only if the built imports keep their spaces.
  test.skipIf(!HAS_TMUX)("its TUI half loads in the real TUI and draws the quota on the home screen", async () => {
    const tui = await startTui({
      pluginSpec: installed,
      mock,
      tuiConfig: { plugin: [[installed, { widget: "prompt" }]] },
      env: { ZAI_API_KEY: CANARY_KEY, GLM_QUOTA_BASE_URL: sim.url, GLM_QUOTA_NOW: "2026-03-07T07:30:00Z", TZ: "UTC" },
    })
    try {
      const screen = await tui.waitFor(/GLM (Pro )?5h [█░]+ 61 %/, 90_000, "the TUI half's line right of the prompt")
      expect(screen).not.toContain(CANARY_KEY)
    } finally {
      await tui.stop()
    }
  })
})
