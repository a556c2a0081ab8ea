import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The end-to-end suites start the real opencode binary: give them room, and keep the 2-core machine calm.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    globalSetup: ["test/global-setup.ts"],
  },
})
