// The floors of the house, as data: which folder of src/ may import which (type-only imports and dynamic imports
// count as imports), and no circle between files. A new folder fails until it is given its place here; an import
// against the table or a circle names itself. Imports read with the TypeScript parser (`preProcessFile`).
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import ts from "typescript"
import { describe, expect, it } from "vitest"
import { ROOT } from "../helpers.ts"

/** core/ in rooms, lowest last; each room may import the rooms below it. `core` is its root: types.ts and zone.ts. */
const CORE_ROOMS = ["core/render", "core/report", "core/record", "core/plans", "core/time", "core/text", "core"]
const CORE = Object.fromEntries(CORE_ROOMS.map((room, i) => [room, CORE_ROOMS.slice(i + 1)]))

/** Room → the rooms it may import. `entries` are the files at src/'s root (the only readers of the environment). */
export const FLOORS: Record<string, string[]> = {
  entries: ["cli", "opencode", "opencode2", "tui", "zai"],
  // OpenCode 2's half is built from both 1.x halves.
  opencode2: ["opencode", "tui", "doctor", "options", "quota", "local", "zai", ...CORE_ROOMS],
  // The three front doors: siblings, never importing each other.
  opencode: ["doctor", "options", "quota", "local", "zai", ...CORE_ROOMS],
  tui: ["doctor", "options", "quota", "local", "zai", ...CORE_ROOMS],
  cli: ["doctor", "options", "quota", "local", "zai", ...CORE_ROOMS],
  doctor: ["options", "quota", "local", "zai", ...CORE_ROOMS],
  quota: ["options", "local", "zai", ...CORE_ROOMS],
  options: ["zai", ...CORE_ROOMS],
  // The edges: the API client and this machine's record, siblings.
  zai: CORE_ROOMS,
  local: CORE_ROOMS,
  ...CORE,
}

export interface Graph {
  /** File (relative to src/) → the files of src/ it imports. */
  imports: Map<string, string[]>
}

const roomOf = (file: string): string => (dirname(file) === "." ? "entries" : dirname(file))

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return sources(p)
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : []
  })
}

export function readGraph(src: string): Graph {
  const imports = new Map<string, string[]>()
  for (const path of sources(src)) {
    const found = ts.preProcessFile(readFileSync(path, "utf8"), true, true).importedFiles
    imports.set(
      relative(src, path),
      found.filter((i) => i.fileName.startsWith(".")).map((i) => relative(src, resolve(dirname(path), i.fileName))),
    )
  }
  return { imports }
}

/** Every import the table does not allow: "from → to (room → room)"; and every room the table does not know. */
export function againstFloors(graph: Graph, floors: Record<string, string[]>): string[] {
  const wrong: string[] = []
  for (const [from, targets] of graph.imports) {
    const room = roomOf(from)
    const allowed = floors[room]
    if (allowed === undefined) wrong.push(`${from}: the room ${room} has no place in the table`)
    for (const to of targets) {
      const target = roomOf(to)
      if (target !== room && allowed !== undefined && !allowed.includes(target))
        wrong.push(`${from} → ${to} (${room} → ${target})`)
    }
  }
  return wrong
}

/** Every circle of files (strongly connected components of more than one file, or a file importing itself). */
export function circles(graph: Graph): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string): void => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.imports.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) !== index.get(v)) return
    const part: string[] = []
    let w: string
    do {
      w = stack.pop()!
      onStack.delete(w)
      part.push(w)
    } while (w !== v)
    if (part.length > 1 || (graph.imports.get(v) ?? []).includes(v)) found.push(part.sort())
  }
  for (const v of graph.imports.keys()) if (!index.has(v)) visit(v)
  return found
}

const GRAPH = readGraph(join(ROOT, "src"))

describe("the floors", () => {
  it("every import of src/ goes down the table (type-only and dynamic ones too)", () => {
    expect(againstFloors(GRAPH, FLOORS)).toEqual([])
  })

  it("no circle between files, type-only imports included", () => {
    expect(circles(GRAPH)).toEqual([])
  })

  it("core/types.ts is a leaf: it imports nothing", () => {
    const text = readFileSync(join(ROOT, "src/core/types.ts"), "utf8")
    expect(ts.preProcessFile(text, true, true).importedFiles.map((i) => i.fileName)).toEqual([])
  })

  it("core/ touches no Node module (pure: clock, zones and data come in)", () => {
    const core = sources(join(ROOT, "src/core")).flatMap((path) =>
      ts
        .preProcessFile(readFileSync(path, "utf8"), true, true)
        .importedFiles.filter((i) => i.fileName.startsWith("node:"))
        .map((i) => `${relative(ROOT, path)} → ${i.fileName}`),
    )
    expect(core).toEqual([])
  })

  it("the checks can fail: an upward import, an unknown room and a circle are found", () => {
    const graph: Graph = {
      imports: new Map([
        ["core/text/format.ts", ["core/report/report.ts"]],
        ["core/report/report.ts", ["core/text/format.ts"]],
        ["attic/old.ts", []],
      ]),
    }
    expect(againstFloors(graph, FLOORS)).toEqual([
      "core/text/format.ts → core/report/report.ts (core/text → core/report)",
      "attic/old.ts: the room attic has no place in the table",
    ])
    expect(circles(graph)).toEqual([["core/report/report.ts", "core/text/format.ts"]])
  })
})
