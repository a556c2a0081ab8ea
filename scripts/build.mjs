// Builds dist/: one bundled, minified file per entry with source maps, the runtime dependencies inlined so that
// installing the plugin is one package — the plugin's halves as ESM (index.js, tui.js; dynamic imports as chunks), the
// CLI as one CommonJS file (cli-main.cjs) and the small loader that starts it (cli.cjs), below; tsc writes the two
// entries' type declarations beside them. `npm run build` (and `npm ci`, through `prepare`) runs it; so does the test setup.
import { execFileSync, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const dist = join(root, "dist")
rmSync(dist, { recursive: true, force: true })
// Declarations for the two public entries only (package.json `exports`): tsc writes one for every module it reaches,
// so it writes them aside and only the entries' are kept.
const declarations = mkdtempSync(join(tmpdir(), "glmq-dts-"))
try {
  execFileSync(
    process.execPath,
    [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json", "--outDir", declarations],
    { cwd: root, stdio: "inherit" },
  )
  mkdirSync(dist, { recursive: true })
  for (const entry of ["index.d.ts", "tui.d.ts"]) copyFileSync(join(declarations, entry), join(dist, entry))
} finally {
  rmSync(declarations, { recursive: true, force: true })
}
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
const common = {
  absWorkingDir: root,
  // `glm-quota --version` (src/cli/version.ts): the package's version, written into the bundles at build time.
  define: { __GLM_QUOTA_VERSION__: JSON.stringify(pkg.version) },
  bundle: true,
  platform: "node",
  target: "node20",
  minify: true,
  sourcemap: true,
  // Maps name the source file and line of a stack frame; the sources themselves stay out of the package.
  sourcesContent: false,
  logLevel: "warning",
}
// The opencode binary hands a TUI plugin its own solid-js and @opentui/solid by rewriting the import specifiers it finds
// in the plugin's files, with patterns that need a space after `from` (1.18.33: /(from\s+["'])…/). A whitespace-minified
// `}from"solid-js"` is missed, the import fails, and the TUI half silently never loads. So the TUI half keeps its
// whitespace (identifiers and syntax are still minified); test/repo/built-imports.test.ts and the TUI end-to-end
// tests, which load dist/tui.js, hold it. The server half imports none of those and stays fully minified.
const keepWhitespace = { minify: false, minifyIdentifiers: true, minifySyntax: true }
// One build per entry: a shared chunk would make each entry load what the others need (the CLI would load the plugin's
// tool schemas).
for (const entry of ["src/index.ts", "src/tui.ts"]) {
  await build({
    ...common,
    ...(entry === "src/tui.ts" ? keepWhitespace : {}),
    entryPoints: [entry],
    outdir: "dist",
    splitting: true,
    format: "esm",
    chunkNames: "chunks/[name]-[hash]",
    // The TUI's UI libraries are the opencode binary's own (it resolves them for TUI plugins); the plugin package is a
    // type-only peer.
    external: ["solid-js", "@opentui/solid", "@opencode-ai/plugin", "@opencode-ai/plugin/*"],
    // Bundled CommonJS asks for `require`: give the ESM output one.
    banner: {
      js: 'import { createRequire as __glmqRequire } from "node:module"; const require = __glmqRequire(import.meta.url);',
    },
  })
}
// The CLI is started anew for every report and every status-bar refresh, so its start is what it costs: one CommonJS
// file, because Node loads an ES module graph some 5 ms slower than a CommonJS file (and each chunk is one file more
// to read and link). Its dynamic imports stay lazy inside the file (esbuild runs a module's top level when it is first
// imported). undici alone — behind a proxy only, 0.5 MB — is a file of its own, required then and not before. The bin,
// dist/cli.cjs, is a small loader that runs the bundle from a V8 code cache (src/cli-bin.ts says why and how).
await build({
  ...common,
  entryPoints: ["src/cli.ts"],
  outfile: "dist/cli-main.cjs",
  format: "cjs",
  // import() as require(): the same laziness, without waking Node's ES module loader (undici and node:https).
  supported: { "dynamic-import": false },
  plugins: [
    {
      name: "undici-apart",
      setup: (b) => b.onResolve({ filter: /^undici$/ }, () => ({ path: "./chunks/undici.cjs", external: true })),
    },
  ],
})
await build({ ...common, entryPoints: ["undici"], outfile: "dist/chunks/undici.cjs", format: "cjs" })
// The bundle's hash names its code cache: V8 checks only a cached source's length, and a cache of another bundle of
// the same length would run the wrong bytecode.
const bundleId = createHash("sha256")
  .update(readFileSync(join(dist, "cli-main.cjs")))
  .digest("hex")
  .slice(0, 16)
await build({
  ...common,
  entryPoints: ["src/cli-bin.ts"],
  outfile: "dist/cli.cjs",
  format: "cjs",
  define: { ...common.define, __CLI_BUNDLE_ID__: JSON.stringify(bundleId) },
})
// The code cache for the Node that builds: the bin run once on the built-in demo (no network, no files but the cache)
// writes it at exit into the cache directory it is given, with every function a report runs; it is copied into dist/
// from there. Any failure here only leaves dist/ without one (the first run then writes one for its user).
const training = mkdtempSync(join(tmpdir(), "glmq-build-"))
try {
  spawnSync(process.execPath, [join(dist, "cli.cjs"), "--demo", "--json"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: training,
      XDG_CACHE_HOME: training,
      GLM_QUOTA_NOW: "2026-11-30T07:30:00Z",
    },
    stdio: "ignore",
  })
  const made = join(training, "glm-quota")
  for (const f of readdirSync(made)) {
    if (!f.endsWith(".v8")) continue
    copyFileSync(join(made, f), join(dist, f))
    // Not private like the user's cache directory: readable by whoever runs an installed copy.
    chmodSync(join(dist, f), 0o644)
  }
} catch {
  // no cache: the CLI compiles its bundle at its first run, as it would without one
} finally {
  rmSync(training, { recursive: true, force: true })
}
