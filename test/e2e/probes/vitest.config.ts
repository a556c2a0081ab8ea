// Runs the FINDINGS.md probes (not part of the normal suite; they print evidence instead of asserting much):
//   npx vitest run --config test/e2e/probes/vitest.config.ts [name]      CASES=a,b limits a probe to some cases
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

export default defineConfig({
  root: fileURLToPath(new URL("../../..", import.meta.url)),
  test: {
    include: ["test/e2e/probes/**/*.probe.ts"],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
