// The TUI half's first frame (bench/run.ts): what dist/tui.js loads at the TUI's start — its static import closure —
// in bytes, and the time to import it under the Bun inside the opencode binary (BUN_BE_BUN=1), against an empty
// module, each in a fresh process. The host's UI libraries (solid-js, @opentui/solid: OpenCode hands the plugin its
// own, loaded already) are stood in for by empty modules exporting the names imported, in a scratch copy of dist/.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"

/** Files a module imports statically (`import … from "./…"`, `import "./…"`), transitively; dynamic imports excluded. */
export function staticClosure(entry: string): string[] {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, "utf8")
    for (const m of text.matchAll(/(?:\bfrom|^import)\s*"(\.{1,2}\/[^"]+)"/gm)) visit(resolve(dirname(file), m[1]!))
  }
  visit(entry)
  return [...seen]
}

/** Every name imported from `spec` across `files`. */
function importedNames(files: string[], spec: string): string[] {
  const names = new Set<string>()
  const re = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*"${spec.replace("/", "\\/")}"`, "g")
  for (const f of files)
    for (const m of readFileSync(f, "utf8").matchAll(re))
      for (const part of m[1]!.split(",")) {
        const name = part.trim().split(/\s+as\s+/)[0]
        if (name) names.add(name)
      }
  return [...names]
}

/** A scratch copy of dist/ with stand-ins for the host's UI libraries, an empty module and a timing child. */
export function tuiScratch(dist: string): {
  dir: string
  entry: string
  empty: string
  child: string
  done: () => void
} {
  const dir = mkdtempSync(join(tmpdir(), "glmq-bench-tui-"))
  cpSync(dist, join(dir, "dist"), { recursive: true })
  const files = staticClosure(join(dist, "tui.js"))
  for (const spec of ["solid-js", "@opentui/solid"]) {
    const pkg = join(dir, "node_modules", spec)
    mkdirSync(pkg, { recursive: true })
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: spec, type: "module", main: "index.js" }))
    const names = importedNames(
      files.map((f) => join(dir, "dist", f.slice(dist.length + 1))),
      spec,
    )
    writeFileSync(join(pkg, "index.js"), names.map((n) => `export const ${n} = () => undefined\n`).join(""))
  }
  const empty = join(dir, "empty.js")
  writeFileSync(empty, "export default { id: 'empty', tui: async () => undefined }\n")
  const child = join(dir, "child.js")
  writeFileSync(
    child,
    [
      'import { pathToFileURL } from "node:url"',
      "const t0 = performance.now()",
      "const mod = await import(pathToFileURL(process.argv[2]).href)",
      "const t1 = performance.now()",
      'if (typeof mod.default?.tui !== "function") process.exit(3)',
      "process.stdout.write(`${t1 - t0}\\n`)",
    ].join("\n"),
  )
  return {
    dir,
    entry: join(dir, "dist", "tui.js"),
    empty,
    child,
    done: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export const closureBytes = (files: string[]): number => files.reduce((n, f) => n + statSync(f).size, 0)
