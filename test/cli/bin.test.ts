// The bin (src/cli-bin.ts, dist/cli.cjs) and its V8 code cache: the build's cache in dist/ is used as it is; without
// one, the first run writes one into the user's cache directory and later runs use it; a damaged, refused or
// unwritable cache only means compiling, never an error and never a word on stderr. Each case runs the built demo.
// reads: dist/ (the bin and its code cache, as built; the test setup builds it first)
import { spawnSync } from "node:child_process"
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { ROOT, tempHome, type TempHome } from "../helpers.ts"

const DIST = join(ROOT, "dist")
const NOW = "2026-11-30T07:30:00Z"
const isCache = (f: string) => /^cli-main-[0-9a-f]{16}-v8-.+\.v8$/.test(f)

let home: TempHome
let bare: string
beforeEach(() => {
  home = tempHome("glmq-bin-")
  // The bin and its bundle without the build's cache, as an install for another Node would have them.
  bare = mkdtempSync(join(tmpdir(), "glmq-bin-dist-"))
  for (const f of ["cli.cjs", "cli-main.cjs"]) copyFileSync(join(DIST, f), join(bare, f))
  cpSync(join(DIST, "chunks"), join(bare, "chunks"), { recursive: true })
})
afterEach(() => {
  home.cleanup()
  rmSync(bare, { recursive: true, force: true })
})

function run(bin: string, env: Record<string, string> = home.env, nodeArgs: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeArgs, bin, "--demo", "--json"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", TZ: "UTC", GLM_QUOTA_NOW: NOW, ...env },
    encoding: "utf8",
  })
  expect(r.stderr).toBe("")
  expect(r.status).toBe(0)
  expect(JSON.parse(r.stdout).schema).toBe(1)
  return r
}

const userCaches = () => {
  const dir = join(home.env.XDG_CACHE_HOME!, "glm-quota")
  try {
    return readdirSync(dir)
      .filter(isCache)
      .map((f) => join(dir, f))
  } catch {
    return []
  }
}

describe("the bin's code cache", () => {
  it("the build wrote one into dist/ for this Node, and a run uses it without writing its own", () => {
    expect(readdirSync(DIST).filter(isCache)).toHaveLength(1)
    expect(readdirSync(DIST).filter(isCache)[0]).toContain(`-v8-${process.versions.v8}-${process.arch}.v8`)
    run(join(DIST, "cli.cjs"))
    expect(userCaches()).toEqual([])
  })

  it("without one, the first run writes it into the user's cache directory (0600), and the next uses it", () => {
    run(join(bare, "cli.cjs"))
    const [file, ...more] = userCaches()
    expect(more).toEqual([])
    expect(statSync(file!).mode & 0o777).toBe(0o600)
    expect(statSync(join(home.env.XDG_CACHE_HOME!, "glm-quota")).mode & 0o777).toBe(0o700)
    const written = statSync(file!).mtimeMs
    run(join(bare, "cli.cjs"))
    expect(statSync(file!).mtimeMs).toBe(written)
  })

  it("a damaged or cut cache is not used, and is written anew", () => {
    run(join(bare, "cli.cjs"))
    const file = userCaches()[0]!
    // A cache's size varies a little from run to run (what V8 compiled); a rewritten one is of the same order.
    const good = statSync(file).size
    const rewritten = () => expect(statSync(file).size).toBeGreaterThan(good * 0.9)
    writeFileSync(file, "not a code cache at all")
    run(join(bare, "cli.cjs"))
    rewritten()
    writeFileSync(file, readFileSync(file).subarray(0, Math.floor(good / 2)))
    run(join(bare, "cli.cjs"))
    rewritten()
    // One byte of the payload changed, the header intact: V8 would take it (and could crash on it); the bin does not.
    const flipped = readFileSync(file)
    const at = Math.floor(flipped.length / 4)
    flipped[at] = flipped[at]! ^ 0xff
    writeFileSync(file, flipped)
    run(join(bare, "cli.cjs"))
    rewritten()
    expect(readFileSync(file).equals(flipped)).toBe(false)
  })

  it("a cache damaged the same in both copies crashes V8 at most once: the run after a crash compiles anew", () => {
    run(join(bare, "cli.cjs"))
    const file = userCaches()[0]!
    const both = readFileSync(file)
    const half = Buffer.from(both.subarray(0, both.length / 2))
    // 64 bytes of the payload inverted in both copies: the copies agree, V8 takes the header, and (here) dies on it.
    const at = Math.floor(half.length / 2)
    for (let i = 0; i < 64; i++) half[at + i] = half[at + i]! ^ 0xff
    writeFileSync(file, Buffer.concat([half, half]))
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", TZ: "UTC", GLM_QUOTA_NOW: NOW, ...home.env }
    const first = spawnSync(process.execPath, [join(bare, "cli.cjs"), "--help"], { env, encoding: "utf8" })
    // The first run may die (SIGTRAP from V8) or get through: whichever, the next one never loads that cache again.
    for (let i = 0; i < 2; i++) {
      const next = spawnSync(process.execPath, [join(bare, "cli.cjs"), "--help"], { env, encoding: "utf8" })
      expect({ status: next.status, signal: next.signal, stderr: next.stderr }).toEqual({
        status: 0,
        signal: null,
        stderr: "",
      })
    }
    if (first.status !== 0) expect(readFileSync(file).equals(Buffer.concat([half, half]))).toBe(false)
    // No marker is left behind by runs that ended normally.
    expect(readdirSync(join(home.env.XDG_CACHE_HOME!, "glm-quota")).filter((f) => f.endsWith(".loading"))).toEqual([])
  })

  it("a FIFO where the cache goes is not read (the start would block for ever)", () => {
    run(join(bare, "cli.cjs"))
    const file = userCaches()[0]!
    rmSync(file)
    spawnSync("mkfifo", [file])
    const r = spawnSync(process.execPath, [join(bare, "cli.cjs"), "--help"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...home.env },
      encoding: "utf8",
      timeout: 10_000,
    })
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: "" })
  })

  it("a cache directory that cannot be made: the run is the same, and nothing is written", () => {
    const blocked = join(home.dir, "a-file")
    writeFileSync(blocked, "")
    run(join(bare, "cli.cjs"), { ...home.env, XDG_CACHE_HOME: blocked })
    expect(statSync(blocked).isFile()).toBe(true)
  })

  it("with --enable-source-maps the bundle is loaded by Node itself (its frames mapped), and no cache is written", () => {
    run(join(bare, "cli.cjs"), home.env, ["--enable-source-maps"])
    expect(userCaches()).toEqual([])
  })

  it("an upgrade's first run removes the earlier bundle's caches, not those of other Node versions", () => {
    const dir = join(home.env.XDG_CACHE_HOME!, "glm-quota")
    run(join(bare, "cli.cjs"))
    const ours = userCaches()[0]!
    const otherNode = ours.replace(/-v8-.+\.v8$/, "-v8-0.0.0-node.0-x64.v8")
    const older = join(dir, "cli-main-0123456789abcdef-v8-0.0.0-x64.v8")
    for (const f of [otherNode, older]) writeFileSync(f, "")
    rmSync(ours)
    run(join(bare, "cli.cjs"))
    expect(userCaches().sort()).toEqual([ours, otherNode].sort())
  })
})
