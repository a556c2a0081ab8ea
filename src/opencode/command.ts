// /glm-quota on the server: the report posted into the session as a no-reply message, then the one deliberate throw
// that stops OpenCode 1.18.33 from sending the command's template to the model (test/e2e/FINDINGS.md §2).
import type { Hooks, PluginInput } from "@opencode-ai/plugin"
import { readingOf, type QuotaService } from "../quota/service.ts"
import type { Notifier } from "./notify.ts"
import { FAILURE_PREFIX, parseCommandArgs, reportText, type ViewAt } from "./present.ts"

/** Thrown after the report is posted, so OpenCode makes no model call for the command. */
export const SENTINEL = "glm-quota: report posted; no model call needed"

type Client = PluginInput["client"]

export function commandHook(
  client: Client,
  p: { service: QuotaService; notify: Notifier; at: () => ViewAt },
  command: string,
  footer: () => string,
): NonNullable<Hooks["command.execute.before"]> {
  return async (input) => {
    if (input.command !== command) return
    let text: string
    try {
      const format = parseCommandArgs(input.arguments ?? "")
      const res = await p.service.get(format === "full")
      text = reportText(res, res.ok ? p.service.reportOf(readingOf(res)) : null, format, p.at())
      if (format !== "json" && !text.startsWith(FAILURE_PREFIX)) text += `\n\n${footer()}`
    } catch (err) {
      text = `${FAILURE_PREFIX}the report could not be made just now: try again in a minute.`
      p.notify.log("error", `command failed: ${(err as Error).message}`)
    }
    try {
      await client.session.prompt({
        path: { id: input.sessionID },
        body: { noReply: true, parts: [{ type: "text", text, ignored: true }] },
      })
    } catch (err) {
      p.notify.log("error", `could not post the report: ${(err as Error).message}`)
      return
    }
    // The one deliberate throw: it stops OpenCode from sending the command's template to the model.
    throw new Error(SENTINEL)
  }
}
