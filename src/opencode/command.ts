// /glm-quota on the server: the report posted into the session as a no-reply message, then the one deliberate throw
// that stops OpenCode 1.18.33 from sending the command's template to the model (test/e2e/FINDINGS.md §2).
// A hanging monitor API does not hold the command for its whole timeout: after PATIENCE_MS the last reading is posted
// marked stale (or a line saying the report follows), and the fresh report is posted when it arrives.
import type { Hooks, PluginInput } from "@opencode-ai/plugin"
import { readingOf, type QuotaService } from "../quota/service.ts"
import type { Check } from "../doctor/types.ts"
import type { CachedResult } from "../zai/cache.ts"
import { wrapText } from "../core/text/wrap.ts"
import type { ClaimKind } from "../quota/claim.ts"
import type { Notifier } from "./notify.ts"
import {
  checksText,
  FAILURE_PREFIX,
  parseCommandArgs,
  PLAIN_COLUMNS,
  prefixOf,
  reportText,
  type ReportFormat,
  type TextStyle,
  type ViewAt,
} from "./present.ts"

/** Thrown after the report is posted, so OpenCode makes no model call for the command. */
export const SENTINEL = "glm-quota: report posted; no model call needed"
/** How long /glm-quota waits for the monitor API before it answers with what it has. */
export const PATIENCE_MS = 2000
const waiting = (style: TextStyle) => `${prefixOf(style)}still waiting for the quota API; the report follows.`
const broken = (style: TextStyle) => `${prefixOf(style)}the report could not be made just now: try again in a minute.`
/** What the 1.x command posts while the API is silent and nothing was read before (plain: a user message). */
export const WAITING_TEXT = waiting("plain")
export const WAITING_MARKDOWN = `${FAILURE_PREFIX}still waiting for the quota API; the report follows.`
const STALE_REASON = "The quota API has not answered yet; the fresh report follows."

type Client = PluginInput["client"]
export interface CommandParts {
  service: QuotaService
  notify: Pick<Notifier, "log">
  at: () => ViewAt
  /** Whether a TUI in this process takes `/glm-quota ARGS` and shows its own dialog (quota/claim.ts); default: none. */
  claim?: (kind: ClaimKind, sessionID: string) => Promise<boolean>
}

/** What a TUI's dialog could show instead of the posted text: the report, the full report, the checks (not JSON). */
function claimKind(args: string): ClaimKind | null {
  const f = parseCommandArgs(args)
  return f === "json" ? null : f === "markdown" ? "report" : f
}

export function commandHook(
  client: Client,
  p: CommandParts,
  command: string,
  footer: () => string,
  doctor: () => Check[] | Promise<Check[]> = () => [],
): NonNullable<Hooks["command.execute.before"]> {
  return async (input) => {
    if (input.command !== command) return
    const post = async (text: string): Promise<void> => {
      await client.session.prompt({
        path: { id: input.sessionID },
        body: { noReply: true, parts: [{ type: "text", text, ignored: true }] },
      })
    }
    const started = Date.now()
    const args = input.arguments ?? ""
    const kind = claimKind(args)
    // A TUI of this process took it and shows its dialog: nothing to post, and still no model call.
    if (kind !== null && p.claim !== undefined && (await p.claim(kind, input.sessionID).catch(() => false)))
      throw new Error(SENTINEL)
    // The 2 seconds of patience count from the command, the TUI's silence included.
    const patience = Math.max(0, PATIENCE_MS - (Date.now() - started))
    const { text, later } = await answer(p, args, footer, doctor, "plain", patience)
    try {
      await post(text)
    } catch (err) {
      p.notify.log("error", `could not post the report: ${(err as Error).message}`)
      void later?.catch(() => undefined)
      return
    }
    // The fresh report, when it comes, in the background: the hook has already returned (and thrown) by then.
    if (later !== null) {
      void later
        .catch((err: unknown) => {
          p.notify.log("error", `command failed: ${(err as Error)?.message ?? "unknown error"}`)
          return broken("plain")
        })
        .then(post)
        .catch((err: unknown) =>
          p.notify.log("error", `could not post the report: ${(err as Error)?.message ?? "unknown error"}`),
        )
    }
    // The one deliberate throw: it stops OpenCode from sending the command's template to the model.
    throw new Error(SENTINEL)
  }
}

export interface Answer {
  text: string
  /** The fresh report still on its way, posted when it comes. */
  later: Promise<string> | null
}

/** What /glm-quota ARGS answers: the report (or the checks) within PATIENCE_MS, and the fresh report still on its way. */
export async function answer(
  p: CommandParts,
  args: string,
  footer: () => string,
  doctor: () => Check[] | Promise<Check[]>,
  style: TextStyle = "markdown",
  patienceMs = PATIENCE_MS,
): Promise<Answer> {
  try {
    const format = parseCommandArgs(args)
    if (format === "doctor") return { text: checksText(await doctor(), null, style), later: null }
    const pending = p.service.get(format === "full").then((res) => textOf(p, res, format, footer, style))
    const first = await within(pending, patienceMs)
    if (first !== null) return { text: first, later: null }
    return { text: interimText(p, format, style), later: pending }
  } catch (err) {
    p.notify.log("error", `command failed: ${(err as Error)?.message ?? "unknown error"}`)
    return { text: broken(style), later: null }
  }
}

function textOf(p: CommandParts, res: CachedResult, format: ReportFormat, footer: () => string, style: TextStyle) {
  let text = reportText(res, res.ok ? p.service.reportOf(readingOf(res)) : null, format, p.at(), style)
  if (format === "json" || text.startsWith(prefixOf(style))) return text
  const foot = style === "plain" ? wrapText(footer(), PLAIN_COLUMNS).join("\n") : footer()
  text += `\n\n${foot}`
  return text
}

/** The answer while the API is silent: the last reading marked stale, else the line that says the report follows. */
function interimText(p: CommandParts, format: ReportFormat, style: TextStyle): string {
  const last = p.service.latest()
  if (last === null || format === "json") return waiting(style)
  const res: CachedResult = {
    ok: true,
    value: last.snapshot,
    stale: true,
    fromCache: true,
    error: { kind: "timeout", message: STALE_REASON },
  }
  return reportText(res, p.service.reportOf({ ...last, stale: true }), "markdown", p.at(), style)
}

/** The promise's value if it settles within `ms` (its rejection too), else null; the timer never keeps a process up. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms)
    timer.unref?.()
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
