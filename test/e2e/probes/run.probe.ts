import { test } from "vitest"
import { join } from "node:path"
import { runOpencode } from "../opencode.ts"
import { FIXTURES_DIR } from "../util.ts"
test("run", async () => {
  for (const args of [
    ["run", "--command", "probe", "a b"],
    ["run", "--format", "json", "--command", "probe", "a b"],
  ]) {
    const r = await runOpencode(args, {
      pluginSpec: join(FIXTURES_DIR, "probe-plugin.ts"),
      pluginOptions: { marker: "run" },
    })
    console.log(
      "RUN " +
        JSON.stringify(
          {
            args,
            code: r.code,
            ms: r.durationMs,
            calls: r.mock.calls,
            stdout: r.stdout.slice(0, 1500),
            stderr: r.stderr.slice(0, 1500),
          },
          null,
          1,
        ),
    )
  }
})
