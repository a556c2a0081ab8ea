// A probe plugin for OpenCode 2.2.5 (see test/e2e/FINDINGS.md, "OpenCode 2: the plugin API"): it writes what `setup`
// is given and what each domain answers to $PROBE_LOG. Put its directory in a `plugins` entry of a throw-away
// project's opencode.json and start `opencode serve` in an isolated HOME.
import { appendFileSync } from "node:fs"
const log = (...a) =>
  appendFileSync(
    process.env.PROBE_LOG ?? "/tmp/opencode2-probe.log",
    a
      .map((x) => (typeof x === "string" ? x : JSON.stringify(x, (k, v) => (typeof v === "function" ? "[fn]" : v))))
      .join(" ") + "\n",
  )
export default {
  id: "probe2",
  setup: async (ctx) => {
    try {
      log("setup keys", Object.keys(ctx))
      for (const k of Object.keys(ctx))
        log("domain", k, typeof ctx[k] === "object" && ctx[k] ? Object.keys(ctx[k]) : typeof ctx[k])
      await ctx.command.transform((draft) =>
        draft.add({
          name: "probe",
          description: "probe command",
          execute: async (inv) => {
            log("command execute", inv)
            log("synthetic ->", await ctx.session.synthetic({ sessionID: inv.sessionID, text: "PROBE", resume: false }))
          },
        }),
      )
      await ctx.tool.transform((draft) =>
        draft.add({
          name: "probe_tool",
          description: "probe tool",
          input: { type: "object", properties: { q: { type: "string" } } },
          options: { codemode: false },
          execute: async (args) => ({ content: `probe tool says hi ${JSON.stringify(args)}` }),
        }),
      )
      const types = ["session.created", "session.model.selected", "session.step.started", "session.step.ended"]
      types.push("session.tool.input.started", "session.execution.started", "session.execution.succeeded")
      void (async () => {
        for await (const e of ctx.event.subscribe({ types })) log("event", e)
      })()
      for (const id of ["zai-coding-plan", "zai"]) {
        const c = await ctx.integration.connection.active(id)
        log("connection.active", id, c ?? null)
        if (c) log("resolve", id, Object.keys((await ctx.integration.connection.resolve(c)) ?? {}))
      }
      log("model.default", await ctx.model.default({}))
      await ctx.aisdk.hook("sdk", (h) => log("sdk hook", h.model, Object.keys(h.options)), {
        providerID: "zai-coding-plan",
      })
    } catch (e) {
      log("setup error", String(e))
    }
  },
}
