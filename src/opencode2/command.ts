// /glm-quota in OpenCode 2: a command with its own `execute`, so the host makes no model call; the answer lands in the
// session as a synthetic message (`resume: false`: no turn is started for it). The words are the 1.x half's (the
// same answer(), with its 2-second patience on a hanging API and the fresh report posted when it comes).
import { answer } from "../opencode/command.ts"
import { guardSettingsCheck } from "../opencode/doctor.ts"
import { COMMAND, COMMAND_DESCRIPTION } from "../opencode/meta.ts"
import { guardLine } from "../opencode/guard.ts"
import { runPluginDoctor } from "../doctor/index.ts"
import { ok, warn, type Check } from "../doctor/types.ts"
import type { Disposable } from "./host.ts"
import type { Parts2 } from "./parts.ts"

/** How long the command waits for the host's key before it answers with what env and auth.json give. */
const KEY_WAIT_MS = 1000

export function registerCommand(p: Parts2): Promise<Disposable> {
  return p.ctx.command.transform((draft) => {
    draft.add({
      name: COMMAND,
      description: COMMAND_DESCRIPTION,
      execute: async (inv) => {
        try {
          await run(p, inv.sessionID, inv.prompt?.text ?? "")
        } catch (err) {
          p.log.add("error", `/glm-quota failed: ${(err as Error)?.message ?? "unknown error"}`)
        }
      },
    })
  })
}

async function run(p: Parts2, sessionID: string, args: string): Promise<void> {
  await Promise.race([p.askKey(), new Promise((r) => setTimeout(r, KEY_WAIT_MS).unref?.())])
  const post = (text: string) => p.ctx.session.synthetic({ sessionID, text, description: "glm-quota", resume: false })
  const parts = { service: p.service, notify: { log: p.log.log }, at: p.at }
  const { text, later } = await answer(
    parts,
    args,
    () => guardLine(p.guard),
    () => doctor(p),
  )
  await post(text)
  if (later === null) return
  void later
    .catch(() => "glm-quota: the report could not be made just now: try again in a minute.")
    .then(post)
    .catch((err: unknown) => p.log.add("error", `could not post the report: ${(err as Error)?.message ?? "unknown"}`))
}

/** The set-up doctor's checks, then this process's: the guard, and what the 2.x half could not do. */
async function doctor(p: Parts2): Promise<Check[]> {
  const checks = await runPluginDoctor({
    env: p.env,
    fetch: p.fetch,
    now: p.now,
    cwd: p.ctx.location?.directory ?? ".",
    settings: p.settings,
  })
  checks.push(guardSettingsCheck(p.settings.guard, p.service.latest()?.snapshot.plan ?? null))
  const problems = p.log.problems()
  checks.push(
    problems.length === 0
      ? ok("opencode2.log", "the OpenCode 2 half has logged no warning or error")
      : warn(
          "opencode2.log",
          `the OpenCode 2 half logged: ${problems.at(-1)}`,
          "restart OpenCode; if it stays, report it",
        ),
  )
  return checks
}
