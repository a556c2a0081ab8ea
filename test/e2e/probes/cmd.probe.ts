import { test } from "vitest"
import { join } from "node:path"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { startMockModel } from "../mock-model.ts"
import { startOpencode } from "../opencode.ts"
import { sleep } from "../util.ts"
import { FP, readTrace, models } from "./common.ts"

const cases: Record<string, Record<string, unknown>> = {
  sentinel: { commandMode: "sentinel" },
  noop: { commandMode: "noop" },
  emptyParts: { commandMode: "empty-parts" },
  replaceText: { commandMode: "replace-text" },
  abort: { commandMode: "abort" },
  subtaskNoop: { commandMode: "noop", commandExtra: { subtask: true } },
  subtaskEmpty: { commandMode: "empty-parts", commandExtra: { subtask: true } },
  badAgent: { commandMode: "noop", commandExtra: { agent: "no-such-agent" } },
  badModel: { commandMode: "noop", commandExtra: { model: "mock/no-such-model" } },
}
const only = process.env.CASES?.split(",")
for (const [name, opts] of Object.entries(cases)) {
  if (only && !only.includes(name)) continue
  test(name, async () => {
    const mock = await startMockModel({ script: () => ({ text: "model answer" }) })
    const traceFile = join(mkdtempSync(join(tmpdir(), "tr-")), "trace.jsonl")
    const oc = await startOpencode({ pluginSpec: FP, pluginOptions: { traceFile, ...opts }, mock })
    try {
      const sid = await oc.createSession()
      const since = oc.events.cursor()
      const logStart = oc.logs().length
      const t = Date.now()
      const r = await oc
        .fetch(`/session/${sid}/command`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ command: "probe", arguments: "a1" }),
          timeoutMs: 30000,
        })
        .catch((e) => ({ status: -1, text: async () => String(e) }) as any)
      const body = await r.text()
      const ms = Date.now() - t
      await sleep(1500)
      const msgs = await oc.client.session.messages({ path: { id: sid } })
      const children = await oc.client.session.children({ path: { id: sid } })
      const evs = oc.events.all
        .slice(since)
        .filter(
          (e) =>
            ![
              "message.part.delta",
              "plugin.added",
              "session.diff",
              "catalog.updated",
              "reference.updated",
              "integration.updated",
            ].includes(e.type),
        )
      console.log(
        JSON.stringify(
          {
            name,
            status: r.status,
            ms,
            body: body.slice(0, 400),
            mock: models(mock),
            messages: msgs.data?.map(
              (m: any) =>
                `${m.info.role}${m.info.error ? "[err:" + JSON.stringify(m.info.error).slice(0, 200) + "]" : ""}: ${m.parts.map((p: any) => p.type + (p.type === "text" ? "=" + JSON.stringify(p.text.slice(0, 60)) + (p.ignored ? "(ignored)" : "") + (p.synthetic ? "(synthetic)" : "") : p.type === "tool" ? "=" + p.tool + ":" + p.state?.status : "")).join(", ")}`,
            ),
            children: children.data?.length,
            events: evs.map((e) =>
              e.type === "session.error" || e.type === "command.executed"
                ? `${e.type}=${JSON.stringify(e.properties)}`
                : e.type,
            ),
            trace: readTrace(traceFile)
              .filter((t) => t.kind === "command.execute.before")
              .map((t) => JSON.stringify(t.parts).slice(0, 400)),
            logs: oc
              .logs()
              .slice(logStart)
              .split("\n")
              .filter((l) => /level=(ERROR|WARN)|rror/.test(l))
              .map((l) => l.slice(0, 600)),
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
