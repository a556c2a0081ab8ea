// The house stays easy to live in: no source file over 300 lines and no function over 80, unless the file says why
// (a line starting `// size:` with the reason). Measured with the TypeScript parser, so every function form counts.
import { readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"
import ts from "typescript"
import { describe, expect, it } from "vitest"
import { ROOT } from "../helpers.ts"

const MAX_FILE_LINES = 300
const MAX_FUNCTION_LINES = 80

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return sources(p)
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : []
  })
}

const FILES = sources(join(ROOT, "src")).map((path) => ({
  path: relative(ROOT, path),
  text: readFileSync(path, "utf8"),
}))
const excused = (text: string) => /^\/\/ size: \S/m.test(text)
/** Lines as `wc -l` counts them. */
const lineCount = (text: string) => text.split("\n").length - (text.endsWith("\n") ? 1 : 0)

/** Every function-like node longer than `max` lines: name and length. */
export function longFunctions(name: string, text: string, max: number): string[] {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true)
  const found: string[] = []
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line
      const last = file.getLineAndCharacterOfPosition(node.getEnd()).line
      if (last - first + 1 > max)
        found.push(
          `${name}:${first + 1} ${(node as ts.FunctionLikeDeclaration).name?.getText(file) ?? "(anonymous)"} ${last - first + 1} lines`,
        )
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return found
}

describe("sizes", () => {
  it(`no file in src/ over ${MAX_FILE_LINES} lines`, () => {
    const long = FILES.filter((f) => lineCount(f.text) > MAX_FILE_LINES && !excused(f.text)).map(
      (f) => `${f.path} ${lineCount(f.text)}`,
    )
    expect(long).toEqual([])
  })

  it(`no function in src/ over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = FILES.filter((f) => !excused(f.text)).flatMap((f) => longFunctions(f.path, f.text, MAX_FUNCTION_LINES))
    expect(long).toEqual([])
  })

  it("the check can fail: a long function is found", () => {
    const body = Array.from({ length: 90 }, (_, i) => `  const x${i} = ${i}`).join("\n")
    expect(longFunctions("x.ts", `function big() {\n${body}\n}\n`, MAX_FUNCTION_LINES)).toEqual(["x.ts:1 big 92 lines"])
  })
})
