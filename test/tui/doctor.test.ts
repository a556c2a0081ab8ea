// The TUI's /glm-quota-doctor dialog text: the set-up checks, with the fix as it is done in OpenCode.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { parseTuiOptions } from "../../src/options/tui.ts"
import { doctorText } from "../../src/tui/doctor.ts"
import { startSimulator, type Simulator } from "../support/simulator.ts"
import { CANARY_KEY, tempHome, type TempHome } from "../helpers.ts"

let sim: Simulator
let home: TempHome
beforeAll(async () => {
  sim = await startSimulator({ state: { keys: ["the-other-key-0123456789"] } })
  home = tempHome("glmq-tui-doctor-")
})
afterAll(async () => {
  await sim.close()
  home.cleanup()
})

describe("doctorText", () => {
  it("lists the checks, names where the key was found (never the key), and gives OpenCode's fix for the region", async () => {
    const { settings } = parseTuiOptions({ baseUrl: sim.url })
    const env = { ...home.env, ZAI_API_KEY: CANARY_KEY }
    const text = await doctorText({ env, fetch: globalThis.fetch, now: () => new Date(), settings, cwd: home.dir })
    expect(text).toMatch(/^✓ {2}key from ZAI_API_KEY/m)
    expect(text).toMatch(/^✗ {2}.*key/m)
    expect(text).not.toContain(CANARY_KEY)
    expect(text).not.toMatch(/--region/)
  })
})
