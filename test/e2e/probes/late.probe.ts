import { test } from "vitest"
import { join } from "node:path"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { startMockModel } from "../mock-model.ts"
import { startOpencode } from "../opencode.ts"
import { sleep } from "../util.ts"
import { FP, zaiConfig, readTrace, models } from "./common.ts"
test("late", async () => {
  const mock = await startMockModel({ models: ["glm-5", "glm-4.7", "mock-model"] })
  const traceFile = join(mkdtempSync(join(tmpdir(), "tr-")), "trace.jsonl")
  const oc = await startOpencode({
    pluginSpec: FP,
    pluginOptions: { traceFile, lateConfigModel: { afterMs: 500, model: "zai-coding-plan/glm-4.7" } },
    mock,
    extraConfig: zaiConfig(mock),
  })
  try {
    await sleep(1500)
    const cfg = await oc.client.config.get()
    const sid = await oc.createSession()
    await oc.client.session.prompt({ path: { id: sid }, body: { parts: [{ type: "text", text: "hello" }] } })
    console.log(
      "LATE " +
        JSON.stringify({
          cfgModel: cfg.data?.model,
          mock: models(mock),
          trace: readTrace(traceFile)
            .filter((t) => t.kind !== "chat.params")
            .map((t) => t.kind + ":" + JSON.stringify(t.model ?? t.messageModel ?? "")),
        }),
    )
  } finally {
    await oc.stop()
    await mock.close()
  }
})
