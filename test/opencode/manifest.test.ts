// plugin.json stays equal to what the plugin registers: command, tools, options, entry points, version.
// (That plugin.json's id is the entry's: the entry test in hooks.test.ts, the one test that imports the entry.)
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import type { Hooks, PluginInput } from "@opencode-ai/plugin"
import { optionsSchema } from "../../src/options/server.ts"
import { ROOT } from "../helpers.ts"
import { drain, homes, pluginEnv, startServer } from "./support.ts"

const manifest = JSON.parse(readFileSync(join(ROOT, "plugin.json"), "utf8"))
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"))

const home = homes("glmq-manifest-")
const instances: Hooks[] = []
afterAll(async () => {
  await Promise.all(instances.map(drain))
  home.cleanup()
})

describe("plugin.json", () => {
  it("matches the registered command, tools and options", async () => {
    const client = {
      app: { log: async () => true },
      tui: { showToast: async () => true },
      session: { prompt: async () => ({}) },
    }
    // An origin nothing listens on: the start-up refresh fails fast, and nothing here needs it.
    const hooks = await startServer(
      { client, directory: ROOT, worktree: ROOT } as unknown as PluginInput,
      { baseUrl: "http://127.0.0.1:9" },
      { env: pluginEnv(home.make()), now: () => new Date("2026-03-02T07:30:00Z") },
    )
    instances.push(hooks)
    const cfg: { command?: Record<string, { description?: string }> } = {}
    await hooks.config!(cfg as never)
    expect(manifest.version).toBe(pkg.version)
    expect(manifest.commands.map((c: { name: string }) => c.name)).toEqual(Object.keys(cfg.command!))
    expect(manifest.commands[0].description).toBe(cfg.command!["glm-quota"]!.description)
    expect(manifest.tools.map((t: { name: string }) => t.name)).toEqual(Object.keys(hooks.tool!))
    for (const t of manifest.tools) {
      expect(t.description).toBe(hooks.tool![t.name]!.description)
      expect(t.args).toEqual(Object.keys(hooks.tool![t.name]!.args))
    }
    expect(manifest.options).toEqual(JSON.parse(JSON.stringify(optionsSchema())))
  })

  it("entry points exist in the package and its exports", () => {
    expect(pkg.exports["."]).toBe(manifest.entry.server)
    expect(pkg.exports["./server"]).toBe(manifest.entry.server)
    expect(existsSync(join(ROOT, manifest.entry.server))).toBe(true)
    expect(pkg.exports["./tui"]).toBe(manifest.entry.tui)
    expect(existsSync(join(ROOT, manifest.entry.tui))).toBe(true)
    expect(pkg.files).toEqual(expect.arrayContaining(["dist", "plugin.json"]))
  })
})
