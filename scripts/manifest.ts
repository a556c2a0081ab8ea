// Writes plugin.json's commands, tools and options from what the plugin registers (test/opencode/manifest.test.ts
// checks they stay equal), and the options table of docs/options.md (test/repo/options-doc.test.ts):
// `npx tsx scripts/manifest.ts` after changing a tool, the command or an option.
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { COMMAND, COMMAND_DESCRIPTION } from "../src/opencode/instance.ts"
import { optionsSchema } from "../src/options/server.ts"
import { tools } from "../src/opencode/tools.ts"
import { withOptions } from "./options-doc.ts"

const root = join(import.meta.dirname, "..")
const file = join(root, "plugin.json")
const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }
const defs = tools(null as never, () => ({ now: new Date(0), localTimeZone: "UTC", peakTimeZone: "UTC" }))
manifest.version = pkg.version
manifest.commands = [{ name: COMMAND, description: COMMAND_DESCRIPTION, arguments: ["", "full", "json"] }]
manifest.tools = Object.entries(defs).map(([name, t]) => ({
  name,
  description: t.description,
  args: Object.keys(t.args),
}))
manifest.options = optionsSchema()
writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n")
const doc = join(root, "docs", "options.md")
writeFileSync(doc, withOptions(readFileSync(doc, "utf8")))
