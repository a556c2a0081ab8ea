// Builds dist/: one bundled, minified ESM file per entry (index.js, tui.js, cli.js; dynamic imports as chunks) with
// source maps, the runtime dependencies inlined so that installing the plugin is one package; tsc writes the type
// declarations beside them. `npm run build` (and `npm ci`, through `prepare`) runs it; so does the test setup.
import { execFileSync } from "node:child_process"
import { rmSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const dist = join(root, "dist")
rmSync(dist, { recursive: true, force: true })
execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
})
// One build per entry: a shared chunk would make each entry load what the others need (the CLI would load the plugin's
// tool schemas). Within an entry, a dynamic import (undici, behind a proxy only) stays a chunk of its own.
for (const entry of ["src/index.ts", "src/tui.ts", "src/cli.ts"]) {
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outdir: "dist",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    minify: true,
    sourcemap: true,
    // Maps name the source file and line of a stack frame; the sources themselves stay out of the package.
    sourcesContent: false,
    chunkNames: "chunks/[name]-[hash]",
    // The TUI's UI libraries are the opencode binary's own (it resolves them for TUI plugins); the plugin package is a
    // type-only peer.
    external: ["solid-js", "@opentui/solid", "@opencode-ai/plugin", "@opencode-ai/plugin/*"],
    // Bundled CommonJS (undici) asks for `require`: give the ESM output one.
    banner: {
      js: 'import { createRequire as __glmqRequire } from "node:module"; const require = __glmqRequire(import.meta.url);',
    },
    logLevel: "warning",
  })
}
