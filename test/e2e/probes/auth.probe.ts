import { test } from "vitest"
import { join } from "node:path"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { startMockModel } from "../mock-model.ts"
import { startOpencode } from "../opencode.ts"
import { FP, zaiConfig, readTrace, models } from "./common.ts"

type C = {
  opts: Record<string, unknown>
  key: "config" | "env" | "authjson" | "authjson+config" | "none"
  envName?: string
}
const cases: Record<string, C> = {
  configKey: { opts: { authProvider: "zai-coding-plan", headers: true }, key: "config" },
  envKeyZHIPU: { opts: { authProvider: "zai-coding-plan" }, key: "env", envName: "ZHIPU_API_KEY" },
  envKeyZAI: { opts: { authProvider: "zai-coding-plan" }, key: "env", envName: "ZAI_API_KEY" },
  authJson: { opts: { authProvider: "zai-coding-plan" }, key: "authjson" },
  authJsonPlusConfig: { opts: { authProvider: "zai-coding-plan", authMethods: true }, key: "authjson+config" },
  configHookFetch: { opts: { configFetchProvider: "zai-coding-plan" }, key: "config" },
  configHookFetchEnv: { opts: { configFetchProvider: "zai-coding-plan" }, key: "env", envName: "ZHIPU_API_KEY" },
  configHookFetchAuthJson: { opts: { configFetchProvider: "zai-coding-plan" }, key: "authjson" },
}
const only = process.env.CASES?.split(",")
for (const [name, c] of Object.entries(cases)) {
  if (only && !only.includes(name)) continue
  test(name, async () => {
    const mock = await startMockModel({ models: ["glm-5", "glm-4.7", "mock-model"] })
    const traceFile = join(mkdtempSync(join(tmpdir(), "tr-")), "trace.jsonl")
    const withKey = c.key === "config" || c.key === "authjson+config"
    const oc = await startOpencode({
      pluginSpec: FP,
      pluginOptions: { traceFile, ...c.opts },
      mock,
      extraConfig: zaiConfig(mock, withKey),
      env: c.key === "env" ? { [c.envName!]: "env-key" } : {},
      auth: c.key.startsWith("authjson") ? { "zai-coding-plan": { type: "api", key: "authjson-key" } } : undefined,
    })
    try {
      const prov = (await oc.fetch("/config/providers").then((r) => r.json())) as any
      const z = prov.providers?.find((p: any) => p.id === "zai-coding-plan")
      const sid = await oc.createSession()
      const r = await oc.client.session.prompt({
        path: { id: sid },
        body: { parts: [{ type: "text", text: "hello" }] },
      })
      await oc.client.session.prompt({ path: { id: sid }, body: { parts: [{ type: "text", text: "again" }] } })
      const tr = readTrace(traceFile)
      console.log(
        JSON.stringify(
          {
            name,
            provider: z
              ? {
                  source: z.source,
                  env: z.env,
                  key: z.key,
                  optionKeys: Object.keys(z.options ?? {}),
                  apiKeyOpt: z.options?.apiKey,
                }
              : null,
            status: r.response?.status,
            err: (r.data?.info as any)?.error,
            mock: mock.requests.map(
              (q) =>
                `${q.model}${q.isTitle ? "(title)" : ""} auth=${q.headers.authorization} xprobe=${q.headers["x-probe"] ?? "-"}`,
            ),
            loader: tr
              .filter((t) => t.kind === "auth.loader")
              .map((t) => JSON.stringify(t.auth) + " provider=" + t.providerId),
            fetches: tr.filter((t) => t.kind === "fetch").map((t) => `${t.label} ${t.url} auth=${t.authorization}`),
            logs: oc
              .logs()
              .split("\n")
              .filter((l) => /level=(ERROR|WARN)/.test(l))
              .map((l) => l.slice(0, 400)),
          },
          null,
          1,
        ),
      )
    } finally {
      await oc.stop()
      await mock.close()
    }
  })
}
