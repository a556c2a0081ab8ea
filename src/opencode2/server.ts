// The OpenCode 2 server half: `setup(ctx)` over the same quota layer as the 1.x half — /glm-quota (and `full`,
// `json`, `doctor`) answered with a synthetic message and no model call, the agent tools, this machine's record from
// the session events, apply mode through `session.switchModel`, and the request guard in the host's http.request /
// http.response session hooks (guard.ts). 2.x gives a server plugin no toasts: warnings are the TUI half's
// (src/opencode2/tui.ts).
// Every host call is guarded: a missing domain leaves its feature off, never the plugin; nothing here awaits the
// network on a hook's path, and nothing is written to the console.
import { clockFromEnv, localTimeZone } from "../quota/clock.ts"
import { parseOptions } from "../options/server.ts"
import type { Credentials } from "../zai/credentials.ts"
import type { Env, FetchLike } from "../core/types.ts"
import { guardFor, modelsFor, recorderFor, serviceFor, createServerState, type ServerState } from "../opencode/state.ts"
import { isServerContext, type ServerContext } from "./host.ts"
import { hostCredentials } from "./key.ts"
import { HostLog } from "./log.ts"
import { registerCommand } from "./command.ts"
import { registerTools } from "./tools.ts"
import { Events } from "./events.ts"
import { turnsFor } from "../opencode/turns.ts"
import { Applier } from "./apply.ts"
import { GuardSlots, installGuard2 } from "./guard.ts"
import { serverOptionsOf } from "../options/one-object.ts"
import type { Parts2 } from "./parts.ts"

export interface Server2Deps {
  env: Env
  fetch: FetchLike
  now?: () => Date
  /** The process's shared state; default: one per factory, shared with nothing else. */
  state?: ServerState
}

/** The factory: `setup` never throws into OpenCode; it returns its own dispose. */
export function createSetup(deps: Server2Deps): (ctx: unknown) => Promise<(() => void) | undefined> {
  const state = deps.state ?? createServerState()
  // The host's key, process-wide like the services that read it (an instance started later shares them).
  const box: KeyBox = { key: null }
  return async (ctx) => {
    // OpenCode 1.18.33's preview context (and anything else that is not 2.x's): the `server` export did the work.
    if (!isServerContext(ctx)) return undefined
    try {
      return await start(ctx, deps, state, box)
    } catch {
      return undefined
    }
  }
}

interface KeyBox {
  key: Credentials | null
}

async function start(ctx: ServerContext, deps: Server2Deps, state: ServerState, box: KeyBox): Promise<() => void> {
  const { settings, problems } = parseOptions(serverOptionsOf(ctx.options ?? {}))
  const clock = clockFromEnv(deps.env, "running")
  if (clock.error !== null) problems.push("GLM_QUOTA_NOW (not a date)")
  const now = deps.now ?? clock.now
  const log = new HostLog(now)
  let zone: string | null = null
  const localTz = () => (zone ??= localTimeZone(deps.env))
  const recorder = recorderFor(state, deps.env, now, (text) => log.add("warn", `local record: ${text}`))
  const service = serviceFor(state, settings, {
    env: deps.env,
    fetch: deps.fetch,
    now,
    record: recorder,
    credentials: () => box.key,
    notice: (text) => log.add("warn", text),
  })
  // The key OpenCode holds, asked in the background at start (the first refresh follows it; env and auth.json
  // meanwhile) and again whenever a command or a new session finds none yet: a key connected later is picked up.
  let asking: Promise<void> | null = null
  const askKey = (): Promise<void> =>
    (asking ??= hostCredentials(ctx, settings.region)
      .then((c) => {
        if (c === null || (box.key !== null && c.key === box.key.key)) return
        box.key = c
        service.reopen()
      })
      .catch(() => undefined)
      .finally(() => {
        asking = null
        service.refreshSoon()
      }))
  const keyReady = askKey()
  const p: Parts2 = {
    ctx,
    settings,
    problems,
    service,
    recorder,
    guard: guardFor(state, settings, () => service.peak(now()).periods.includes("throttle")),
    models: modelsFor(state, deps.env),
    log,
    env: deps.env,
    fetch: deps.fetch,
    now,
    at: () => ({ now: now(), localTimeZone: localTz(), peakTimeZone: settings.peak.timeZone }),
    keyReady,
    askKey: () => (box.key === null ? askKey() : Promise.resolve()),
  }
  if (problems.length > 0) log.add("warn", `invalid options, defaults used: ${problems.join(", ")}`)
  const disposers: (() => unknown)[] = []
  const keep = async (what: string, d: Promise<{ dispose: () => unknown } | undefined | void>) => {
    try {
      const x = await d
      if (x && typeof x.dispose === "function") disposers.push(() => x.dispose())
    } catch (err) {
      log.add("error", `${what} could not be registered: ${(err as Error)?.message ?? "unknown error"}`)
    }
  }
  const applier = new Applier(p)
  const slots = new GuardSlots()
  const events = new Events(p, applier, turnsFor(state, recorder, service), (sid) => slots.endSession(sid))
  await keep("/glm-quota", registerCommand(p))
  await keep("the tools", registerTools(p))
  await keep("the request guard", installGuard2(p, slots))
  disposers.push(events.listen())
  disposers.push(service.onUpdate(() => applier.all()))
  return () => {
    for (const d of disposers) {
      try {
        void Promise.resolve(d()).catch(() => undefined)
      } catch {
        // shutting down anyway
      }
    }
  }
}
