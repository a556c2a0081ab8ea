// plugin.json stays equal to what the plugin registers: command, tools, options, entry points, version.
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import type { PluginInput } from "@opencode-ai/plugin"
import plugin from "../../src/index.ts"
import { OPTIONS_SCHEMA } from "../../src/opencode/options.ts"
import { ROOT } from "../helpers.ts"

const manifest = JSON.parse(readFileSync(join(ROOT, "plugin.json"), "utf8"))
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"))

describe("plugin.json", () => {
  it("matches the registered command, tools and options", async () => {
    process.env.XDG_CACHE_HOME = join(ROOT, ".tmp", "manifest-cache")
    process.env.XDG_STATE_HOME = join(ROOT, ".tmp", "manifest-cache")
    const client = { app: { log: async () => true }, tui: { showToast: async () => true }, session: { prompt: async () => ({}) } }
    const hooks = await plugin.server({ client, directory: ROOT, worktree: ROOT } as unknown as PluginInput, { baseUrl: "http://127.0.0.1:9" })
    const cfg: { command?: Record<string, { description?: string }> } = {}
    await hooks.config!(cfg as never)
    expect(manifest.id).toBe(plugin.id)
    expect(manifest.version).toBe(pkg.version)
    expect(manifest.commands.map((c: { name: string }) => c.name)).toEqual(Object.keys(cfg.command!))
    expect(manifest.commands[0].description).toBe(cfg.command!["glm-quota"]!.description)
    expect(manifest.tools.map((t: { name: string }) => t.name)).toEqual(Object.keys(hooks.tool!))
    for (const t of manifest.tools) {
      expect(t.description).toBe(hooks.tool![t.name]!.description)
      expect(t.args).toEqual(Object.keys(hooks.tool![t.name]!.args))
    }
    expect(manifest.options).toEqual(JSON.parse(JSON.stringify(OPTIONS_SCHEMA)))
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
