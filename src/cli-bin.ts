#!/usr/bin/env node
// The `glm-quota` bin (dist/cli.cjs): runs the CLI — src/cli.ts, bundled as dist/cli-main.cjs — from a V8 code cache.
// Why: the CLI is started anew for every report and every status-bar refresh, and compiling its bundle was the largest
// part of its start after Node's own; with the bytecode of the functions an earlier run compiled, V8 compiles next to
// nothing. Measured here (bench/run.ts sections 6 and 6b, `node -e 0` at 25 ms): a cold `--json` 58 → 50 ms, a warm
// `--line` 35 → 30 ms, `--help` 32 → 29 ms.
//
// The bundle is compiled here with vm.Script's cachedData: from the user's cache directory if a run wrote one there,
// else from the cache the build wrote into dist/ (scripts/build.mjs) for the Node it ran on. When there is neither, or
// V8 refuses it (another Node, other V8 flags), it is written into the user's cache directory at exit — after the run,
// so that it holds every function the run compiled. Its name holds the bundle's hash (V8 itself checks only the
// source's length) and the V8 version. The cache only ever saves time: whatever is wrong with it, the bundle is
// compiled as without one, and nothing is written on stderr.
//
// A cache V8 accepts can still crash it natively (a payload damaged identically in both copies: V8 checks a header,
// not the payload). So a run that loads one leaves a marker, `<name>.<pid>.loading`, until it exits: a marker whose
// process is gone means that run died — a crash, or a kill — and the cache it loaded is never loaded again (the
// user's is deleted and written anew; dist/'s is refused by a `<name>.dist-refused` beside the user's). Without a
// marker that can be written, no cache is loaded at all.
//
// Not module.enableCompileCache (Node 22+): Node's cache holds only what is compiled while a module loads, its top
// level (77 kB here against 233 kB), so the functions a run calls are compiled anew each time — on Node 22.23 (`node
// -e 0` at 25 ms) a cold `--json` took 59 ms with it, 51 ms with this loader and 61 ms with neither.
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs"
import { join } from "node:path"
import { Script } from "node:vm"
import { cacheDir } from "./zai/cache-dir.ts"
import { readRegularFile } from "./zai/regular-file.ts"

/** The bundle's content hash, set by the build. */
declare const __CLI_BUNDLE_ID__: string

// This file is built as CommonJS (the build's banner-free cjs output), where __dirname is the bin's directory.
const MAIN = join(__dirname, "cli-main.cjs")
const PREFIX = "cli-main-"
const NAME = `${PREFIX}${__CLI_BUNDLE_ID__}-v8-${process.versions.v8}-${process.arch}.v8`
/** CommonJS's wrapper, its head on a line of its own (lineOffset -1 below): stack frames keep the bundle's lines. */
const HEAD = "(function (exports, require, module, __filename, __dirname) {\n"
const TAIL = "\n})"

function userCacheDir(): string | null {
  try {
    return cacheDir(process.env)
  } catch {
    return null
  }
}

/**
 * The cache in `file`, or undefined when there is none or it is damaged (a damaged one of the user's is removed, to be
 * written anew at exit; dist/'s is left as the package installed it). The file holds the data twice and both copies
 * must agree: V8 checks a cache's header but not its payload (release builds keep no checksum), and a damaged payload
 * can crash it. Comparing the copies is native and costs ~0.1 ms more than reading one; a checksum in JavaScript took
 * ~2 ms here, zlib's crc32 ~0.6 ms with loading zlib.
 */
function readCache(file: string, own: boolean): Buffer | undefined {
  // A regular file of a sane size only: a FIFO here would block the start for ever.
  const r = readRegularFile(file, MAX_CACHE_BYTES)
  if (!r.ok) return undefined
  const both = r.data
  const half = both.length / 2
  if (half > 0 && Number.isInteger(half) && both.subarray(0, half).equals(both.subarray(half)))
    return both.subarray(0, half)
  try {
    if (own) unlinkSync(file)
  } catch {
    // gone already
  }
  return undefined
}

/** The code cache is about 2 × 1 MB; anything far larger is not one. */
const MAX_CACHE_BYTES = 32 * 1024 * 1024
const LOADING = ".loading"
const DIST_REFUSED = `${NAME}.dist-refused`

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * Looks for the markers of runs that died with a cache loaded: the cache each loaded is given up (the user's deleted,
 * dist/'s refused from now on). Never throws.
 */
function forgetCrashedCaches(dir: string): void {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const f of names) {
    if (!f.startsWith(`${NAME}.`) || !f.endsWith(LOADING)) continue
    const pid = Number(f.slice(NAME.length + 1, -LOADING.length))
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue
    try {
      const which = readFileSync(join(dir, f), "utf8")
      if (which === "dist") writeFileSync(join(dir, DIST_REFUSED), "", { mode: 0o600 })
      else unlinkSync(join(dir, NAME))
    } catch {
      // deleted already by another run
    }
    try {
      unlinkSync(join(dir, f))
    } catch {
      // another run took it
    }
  }
}

/** Leaves this run's marker (which cache it loads), removed at exit; false when it cannot be written. */
function markLoading(dir: string, which: "user" | "dist"): boolean {
  const marker = join(dir, `${NAME}.${process.pid}${LOADING}`)
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    writeFileSync(marker, which, { mode: 0o600, flag: "w" })
  } catch {
    return false
  }
  process.once("exit", () => {
    try {
      unlinkSync(marker)
    } catch {
      // gone already
    }
  })
  return true
}

/** The cache to load, or undefined: only when this run's marker is down, and never one a dead run loaded. */
function chooseCache(user: string | null): Buffer | undefined {
  if (user === null) return undefined
  forgetCrashedCaches(user)
  const own = readCache(join(user, NAME), true)
  if (own !== undefined) return markLoading(user, "user") ? own : undefined
  if (existsSync(join(user, DIST_REFUSED))) return undefined
  const dist = readCache(join(__dirname, NAME), false)
  return dist !== undefined && markLoading(user, "dist") ? dist : undefined
}

/** Writes the cache at exit, when the directory can be written (else it is not even made). Never throws. */
function save(script: Script, dir: string): void {
  const tmp = join(dir, `.${NAME}.${process.pid}.tmp`)
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    accessSync(dir, constants.W_OK)
    const data = script.createCachedData()
    writeFileSync(tmp, Buffer.concat([data, data]), { mode: 0o600 })
    renameSync(tmp, join(dir, NAME))
    // The caches of earlier bundles go (an upgrade); this bundle's for other Node versions stay (nvm users switch).
    for (const f of readdirSync(dir))
      if (f.startsWith(PREFIX) && f.endsWith(".v8") && !f.startsWith(`${PREFIX}${__CLI_BUNDLE_ID__}-`))
        unlinkSync(join(dir, f))
  } catch {
    try {
      unlinkSync(tmp)
    } catch {
      // nothing was written
    }
  }
}

function start(): void {
  // With --enable-source-maps, Node maps the stack frames only of code its own loader compiled.
  if (process.sourceMapsEnabled) {
    require(MAIN)
    return
  }
  const user = userCacheDir()
  // The user's first: it exists only because dist/'s was missing or refused.
  const cachedData = chooseCache(user)
  const script = new Script(HEAD + readFileSync(MAIN, "utf8") + TAIL, { filename: MAIN, lineOffset: -1, cachedData })
  if (user !== null && (cachedData === undefined || script.cachedDataRejected))
    process.once("exit", () => save(script, user))
  const module = { exports: {} }
  // This file's own require: the bundle beside it resolves what it requires from the same directory. (Not
  // createRequire: node:module brings Node's ES module loader along, ~0.3 ms.)
  script.runInThisContext()(module.exports, require, module, MAIN, __dirname)
}

start()
