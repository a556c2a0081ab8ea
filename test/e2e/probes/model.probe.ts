import { test } from "vitest"
import { join } from "node:path"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { startMockModel } from "../mock-model.ts"
import { startOpencode } from "../opencode.ts"
import { FP, zaiConfig, readTrace, models } from "./common.ts"

const cases: Record<string, Record<string, unknown>> = {
  baseline: {},
  configModel: { configModel: "zai-coding-plan/glm-4.7" },
  paramsOptionsModel: { paramsOptionsModel: "glm-4.7" },
  paramsInputModel: { paramsInputModel: "glm-4.7" },
  messageModel: { messageModel: { providerID: "zai-coding-plan", modelID: "glm-4.7" } },
}
for (const [name, opts] of Object.entries(cases)) {
  test(name, async () => {
    const mock = await startMockModel({ models: ["glm-5", "glm-4.7", "mock-model"] })
    const traceFile = join(mkdtempSync(join(tmpdir(), "tr-")), "trace.jsonl")
    const oc = await startOpencode({
      pluginSpec: FP,
      pluginOptions: { traceFile, ...opts },
      mock,
      extraConfig: zaiConfig(mock),
    })
    try {
      const cfg = await oc.client.config.get()
      const sid = await oc.createSession()
      const r = await oc.client.session.prompt({
        path: { id: sid },
        body: { parts: [{ type: "text", text: "hello" }] },
      })
      const info: any = r.data?.info
      // second turn, same session, no model given
      await oc.client.session.prompt({ path: { id: sid }, body: { parts: [{ type: "text", text: "again" }] } })
      // explicit model in the prompt (as the TUI does)
      const sid2 = await oc.createSession()
      await oc.client.session.prompt({
        path: { id: sid2 },
        body: {
          model: { providerID: "zai-coding-plan", modelID: "glm-5" },
          parts: [{ type: "text", text: "explicit" }],
        },
      })
      const msgs = await oc.client.session.messages({ path: { id: sid } })
      console.log(
        JSON.stringify({
          name,
          configModel: cfg.data?.model,
          mockModels: models(mock),
          assistant: { providerID: info?.providerID, modelID: info?.modelID },
          userModels: msgs.data?.filter((m) => m.info.role === "user").map((m: any) => m.info.model),
          assistantModels: msgs.data
            ?.filter((m) => m.info.role === "assistant")
            .map((m: any) => `${m.info.providerID}/${m.info.modelID}`),
          bodyExtra: mock.requests.map((r) => Object.keys(r.body).join(",")).slice(0, 1),
          trace: readTrace(traceFile)
            .filter((t) => t.kind === "chat.message" || t.kind === "chat.params")
            .map((t) =>
              t.kind === "chat.message"
                ? `msg in=${t.inputModel?.modelID} out=${t.messageModel?.modelID}`
                : `params ${t.providerID}/${t.modelID} opts=${t.options}`,
            )
            .join(" | "),
          errors: oc
            .logs()
            .split("\n")
            .filter((l) => /level=(ERROR|WARN)/.test(l))
            .map((l) => l.slice(0, 300)),
        }),
      )
    } finally {
      await oc.stop()
      await mock.close()
    }
  })
}
