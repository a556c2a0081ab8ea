import { test } from "vitest"
import { join } from "node:path"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { startMockModel } from "../mock-model.ts"
import { startOpencode } from "../opencode.ts"
import { sleep } from "../util.ts"
import { FP, zaiConfig, models, readTrace } from "./common.ts"

const only = process.env.CASES?.split(",")
const run = (n: string) => !only || only.includes(n)

test.runIf(run("shapes"))("shapes", async () => {
  const mock = await startMockModel({
    models: ["glm-5", "glm-4.7", "mock-model"],
    script: () => ({ text: "answer", usage: { prompt_tokens: 1234, completion_tokens: 56, total_tokens: 1290 } }),
  })
  const traceFile = join(mkdtempSync(join(tmpdir(), "tr-")), "trace.jsonl")
  const oc = await startOpencode({
    pluginSpec: FP,
    pluginOptions: { traceFile, commandMode: "noop" },
    mock,
    extraConfig: zaiConfig(mock),
  })
  try {
    const sid = await oc.createSession()
    await oc.client.session.prompt({ path: { id: sid }, body: { parts: [{ type: "text", text: "hello" }] } })
    await oc.client.session.command({ path: { id: sid }, body: { command: "probe", arguments: "x y" } })
    await sleep(1000)
    const pick = (t: string, pred: (e: any) => boolean = () => true) =>
      oc.events.all.find((e) => e.type === t && pred(e))
    const out: Record<string, unknown> = {
      "session.created": pick("session.created"),
      "session.updated": pick("session.updated"),
      "session.status(busy)": pick("session.status", (e) => e.properties.status?.type === "busy"),
      "session.idle": pick("session.idle"),
      "message.updated(user)": pick("message.updated", (e) => e.properties.info.role === "user"),
      "message.updated(assistant,completed)": pick(
        "message.updated",
        (e) =>
          e.properties.info.role === "assistant" &&
          e.properties.info.time?.completed &&
          e.properties.info.providerID === "zai-coding-plan",
      ),
      "message.part.updated(text)": pick(
        "message.part.updated",
        (e) => e.properties.part.type === "text" && e.properties.part.time?.end,
      ),
      "message.part.updated(step-finish)": pick(
        "message.part.updated",
        (e) => e.properties.part.type === "step-finish",
      ),
      "command.executed": pick("command.executed"),
      "plugin.added": pick("plugin.added"),
      types: [...new Set(oc.events.all.map((e) => e.type))],
    }
    console.log("SHAPES " + JSON.stringify(out, null, 1))
  } finally {
    await oc.stop()
    await mock.close()
  }
})

for (const [name, reply] of Object.entries({
  e429: {
    status: 429,
    body: { error: { code: "1311", message: "Your plan's weekly quota is exhausted (probe)" } },
    headers: { "retry-after-ms": "50" },
  },
  e429noHeader: {
    status: 429,
    body: { error: { code: "1311", message: "Your plan's weekly quota is exhausted (probe)" } },
  },
  e429retryAfter: {
    status: 429,
    body: { error: { code: "1302", message: "High concurrency (probe)" } },
    headers: { "retry-after": "1" },
  },
  e401: { status: 401, body: { error: { code: "1000", message: "Authentication failed (probe)" } } },
})) {
  test.runIf(run(name))(name, { timeout: 150000 }, async () => {
    const mock = await startMockModel({
      models: ["glm-5", "glm-4.7", "mock-model"],
      script: (r) => (r.model === "glm-5" ? (reply as any) : { text: "ok" }),
    })
    const traceFile = join(mkdtempSync(join(tmpdir(), "tr-")), "trace.jsonl")
    const oc = await startOpencode({ mock, extraConfig: zaiConfig(mock), pluginSpec: FP, pluginOptions: { traceFile } })
    try {
      const sid = await oc.createSession()
      const t = Date.now()
      const p = oc.client.session.prompt({ path: { id: sid }, body: { parts: [{ type: "text", text: "hello" }] } })
      const ev = await oc.events.waitForType("session.error", undefined, 100000).catch((e) => String(e))
      const ms = Date.now() - t
      const statuses = oc.events.all.filter((e) => e.type === "session.status").map((e) => JSON.stringify(e.properties))
      if (typeof ev === "string") await oc.client.session.abort({ path: { id: sid } })
      const pr = await p
      const msgs = await oc.client.session.messages({ path: { id: sid } })
      console.log(
        "ERR " +
          JSON.stringify(
            {
              name,
              ms,
              calls: models(mock),
              callTimes: mock.requests.map((r) => r.at - t),
              sessionError: ev,
              statuses: [...new Set(statuses)].slice(0, 8),
              promptStatus: pr.response?.status,
              promptBody: JSON.stringify(pr.data ?? pr.error).slice(0, 1500),
              assistant: msgs.data?.filter((m) => m.info.role === "assistant").map((m) => m.info),
              idle: oc.events.all.some((e) => e.type === "session.idle"),
              pluginSawError: readTrace(traceFile)
                .filter((t) => t.kind === "event")
                .map((t) => t.event),
              logs: oc
                .logs()
                .split("\n")
                .filter((l) => /level=(ERROR|WARN)/.test(l))
                .map((l) => l.slice(0, 500)),
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
