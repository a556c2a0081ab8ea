// The OpenCode server plugin: /glm-quota, the agent tools, warnings as toasts, model advice, the request guard. The
// rest of it, that is: plugin.ts is what OpenCode loads at start-up, and imports this module at the first thing that
// needs it. openServer works over what it is given (env, fetch, clock, the process's shared state): it reads no global.
// Every hook catches its own errors (a throwing hook kills the user's turn), never awaits the network on the chat
// path, and logs through the client — never console.
import type { Config, Hooks, PluginInput } from "@opencode-ai/plugin"
import { pickModelList, providerOf, zaiProvidersOf } from "../core/plans/providers.ts"
import type { Env, FetchLike } from "../core/types.ts"
import { clockFromEnv, localTimeZone } from "../quota/clock.ts"
import type { QuotaService } from "../quota/service.ts"
import { applyModel } from "./apply.ts"
import { applyToMessage, keptOnce, MessageApplier } from "./apply-session.ts"
import { pluginDoctor, type DoctorDeps } from "./doctor.ts"
import { commandHook } from "./command.ts"
import { askTui } from "../quota/claim.ts"
import { guardLine, type RequestGuard } from "./guard.ts"
import { COMMAND, HANDLED } from "./meta.ts"
import type { ProviderModels, ProvidersClient } from "./provider-models.ts"
import { Notifier } from "./notify.ts"
import { parseOptions, type Settings } from "../options/server.ts"
import { clocksFor, type ViewAt } from "./present.ts"
import type { Recorder } from "./recorder.ts"
import { Sessions } from "./sessions.ts"
import { guardFor, modelsFor, recorderFor, serviceFor, type ServerState } from "./state.ts"
import { tools } from "./tools.ts"
import { onProviderError } from "./provider-errors.ts"
import { turnsFor } from "./turns.ts"
import type { TurnMeter } from "../quota/turn-meter.ts"

export { COMMAND, COMMAND_DESCRIPTION } from "./meta.ts"
export { createServerState } from "./state.ts"

export interface ServerDeps {
  env: Env
  fetch: FetchLike
  /** The process's shared state (one per OpenCode process; tests make their own). */
  state: ServerState
  /** Default: GLM_QUOTA_NOW running from its instant, else the real clock. */
  now?: () => Date
}

/** One started instance: its hooks, and the request guard plugin.ts puts in front of the providers. */
export interface OpenServer {
  hooks: Hooks
  guard: RequestGuard
}

/** Starts one instance; throws when it cannot (plugin.ts catches, logs why, and answers in the tools' place). */
export function openServer(input: PluginInput, options: unknown, deps: ServerDeps): OpenServer {
  return start(input, options, deps)
}

/** Everything one plugin instance works with. */
interface Parts {
  settings: Settings
  service: QuotaService
  recorder: Recorder | null
  guard: RequestGuard
  models: ProviderModels
  notify: Notifier
  sessions: Sessions
  /** Apply mode's per-message decisions (each session's state, the default models). */
  applier: MessageApplier
  at: () => ViewAt
  doctor: DoctorDeps
  turns: TurnMeter | null
}

function start(input: PluginInput, options: unknown, deps: ServerDeps): OpenServer {
  const { settings, problems } = parseOptions(options)
  const clock = clockFromEnv(deps.env, "running")
  if (clock.error !== null) problems.push("GLM_QUOTA_NOW (not a date)")
  const now = deps.now ?? clock.now
  // The user's zone, asked of Intl on first use: Intl's first call loads ICU data (~25 ms), not a start-up cost.
  let zone: string | null = null
  const localTz = () => (zone ??= localTimeZone(deps.env))
  let notify: Notifier | null = null
  const recorder = recorderFor(deps.state, deps.env, now, (text) => notify?.log("warn", `local record: ${text}`))
  const notice = (text: string) => notify?.log("warn", text)
  const service = serviceFor(deps.state, settings, { env: deps.env, fetch: deps.fetch, now, record: recorder, notice })
  const clocks = clocksFor(settings.peak.timeZone, localTz, now)
  notify = new Notifier(input.client, settings, service, clocks, () => askTui("access", ""))
  const parts: Parts = {
    settings,
    service,
    recorder,
    guard: guardFor(deps.state, settings, () => service.peak(now()).periods.includes("throttle")),
    models: modelsFor(deps.state, deps.env),
    notify,
    sessions: new Sessions(),
    applier: new MessageApplier(),
    at: () => ({ now: now(), localTimeZone: localTz(), peakTimeZone: settings.peak.timeZone }),
    doctor: { env: deps.env, fetch: deps.fetch, now, directory: input.directory, settings },
    turns: turnsFor(deps.state, recorder, service),
  }
  return { hooks: hooksOf(input, parts, problems), guard: parts.guard }
}

/** One wrapper for every hook body: a failure is logged, never thrown into OpenCode. */
function guarded<A extends unknown[]>(
  notify: Notifier,
  name: string,
  fn: (...args: A) => void | Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await fn(...args)
    } catch (err) {
      notify.log("error", `${name} hook failed: ${(err as Error)?.message ?? "unknown error"}`)
    }
  }
}

function hooksOf(input: PluginInput, p: Parts, problems: string[]): Hooks {
  const { settings, service, notify, sessions, recorder } = p
  /** apply mode: the live config object from the `config` hook, re-applied whenever the quota or the peak changes. */
  let liveConfig: Config | null = null
  const apply = modelApplier(p, () => liveConfig)
  // Warnings wait for the first session: toasts published while OpenCode is still bootstrapping the instance
  // (the start-up refresh can land then) were seen to get lost in 1.18.33.
  let sessionSeen = false
  const firstSession = () => {
    sessionSeen = true
    notify.showProblems(problems)
    notify.checkAccess()
    askModels()
  }
  const unsubscribe = service.onUpdate(
    guarded(notify, "quota update", () => {
      apply()
      if (sessionSeen) notify.checkQuota(true)
    }),
  )
  // Opening: no network wait, not even the start of a request. The first refresh runs on the next tick (never awaited
  // by a hook).
  const first = setTimeout(
    () =>
      void service
        .get()
        .then(() => (sessionSeen ? notify.checkAccess() : undefined))
        .catch(() => undefined),
    0,
  )
  first.unref?.()
  // The one question to the running OpenCode — which models its Coding Plan providers list — waits for the first
  // session: asked during the instance's bootstrap, its answer waits for the bootstrap and holds it up (measured: the
  // instance was ready 600 ms later). Apply mode uses the lists an earlier run saw, kept on disk, meanwhile.
  let modelsAsked = false
  const askModels = () => {
    if (modelsAsked) return
    modelsAsked = true
    void p.models.load(input.client as unknown as ProvidersClient).then(
      (lists) => (lists === null ? undefined : apply()),
      () => undefined,
    )
  }

  const handleEvent = guarded(notify, "event", ({ event }: { event: { type: string } }) => {
    notify.moment(() =>
      onEvent(p, event as { type: string; properties?: Record<string, unknown> }, { apply, firstSession }),
    )
  })

  return {
    // The command and the request guard are plugin.ts's (installed at start-up, before this module is loaded).
    config: guarded(notify, "config", async (cfg: Config) => {
      liveConfig = cfg
      p.applier.addDefault(cfg.model)
      apply()
      recorder?.addProviders(zaiProvidersOf(cfg))
    }),
    // Every event of the bus comes here: the ones not handled leave before any wrapper is paid for.
    async event(x) {
      if (!HANDLED.has(x.event.type)) return
      await handleEvent(x)
    },
    "chat.message": guarded(notify, "chat.message", async (inp, output) => {
      if (!sessions.isSubagent(inp.sessionID)) onPrompt(p, inp, output, firstSession)
    }),
    "command.execute.before": commandFor(input, p, () => liveConfig),
    "tool.execute.after": guarded(notify, "tool.execute.after", async (inp) => {
      recorder?.mcp(inp.sessionID, inp.tool)
    }),
    tool: tools(service, p.at),
    async dispose() {
      unsubscribe()
    },
  }
}

type ChatHook = NonNullable<Hooks["chat.message"]>

/** A prompt: apply mode's model for it, the record, and whatever the moment has to say, in one toast. */
function onPrompt(p: Parts, inp: Parameters<ChatHook>[0], output: Parameters<ChatHook>[1], firstSession: () => void) {
  const { notify, sessions, recorder } = p
  // Our own report arrives here too (a no-reply message whose parts are all ignored): not a prompt.
  const parts = output?.parts ?? []
  const ownReport = parts.length > 0 && parts.every((x) => x.type === "text" && x.ignored === true)
  const firstPrompt = sessions.model(inp.sessionID) === undefined
  const moment = () => {
    if (!ownReport && p.settings.model === "apply") {
      const clocks = clocksFor(p.settings.peak.timeZone, () => p.at().localTimeZone, p.service.now)
      applyToMessage({ ...p, clocks }, inp.sessionID, output?.message)
    }
    const model = output?.message?.model ?? inp.model
    if (!ownReport) recorder?.prompt(inp.sessionID, model?.providerID, model?.modelID)
    if (!ownReport && recorder?.isCodingPlan(model?.providerID)) p.turns?.begin(inp.sessionID)
    if (model?.modelID) sessions.setModel(inp.sessionID, model.modelID)
    firstSession()
    notify.checkQuota()
    notify.checkAccess()
    notify.checkPeak()
    notify.checkModel(inp.sessionID, sessions.model(inp.sessionID))
  }
  notify.moment(moment, firstPrompt ? FIRST_PROMPT_TOAST_DELAY_MS : 0)
}

/** How long a session's first prompt holds its toast back: the TUI's move from the home screen to the session. */
const FIRST_PROMPT_TOAST_DELAY_MS = 1500

/** /glm-quota: the report, or with `doctor` the set-up checks and this process's own. */
function commandFor(
  input: PluginInput,
  p: Parts,
  live: () => Config | null,
): NonNullable<Hooks["command.execute.before"]> {
  const facts = () => ({ guard: p.guard.settings, config: live(), plan: p.service.latest()?.snapshot.plan ?? null })
  return commandHook(
    input.client,
    { service: p.service, notify: p.notify, at: p.at, claim: askTui },
    COMMAND,
    () => guardLine(p.guard),
    () => pluginDoctor(p.doctor, facts()),
  )
}

/** Sets the recommended, listed id on the live config (apply mode); says once why when it cannot. */
function modelApplier(p: Parts, live: () => Config | null): () => void {
  return () => {
    const lists = p.models.current()
    const cfg = live()
    const region = p.service.latest()?.snapshot.region ?? p.settings.region
    p.service.models = lists === null ? null : (pickModelList(lists, providerOf(cfg?.model), region)?.ids ?? null)
    if (p.settings.model !== "apply" || cfg === null) return
    const change = applyModel(cfg, p.service.current(), lists)
    if (change.kind === "set") {
      p.applier.addDefault(change.model)
      p.notify.log("info", change.line)
    }
    if (change.kind === "kept") keptOnce(p, change.why)
  }
}

interface EventCtx {
  apply: () => void
  firstSession: () => void
}

function onEvent(p: Parts, event: { type: string; properties?: Record<string, unknown> }, ctx: EventCtx): void {
  const props = event.properties ?? {}
  const { notify, sessions, service, recorder } = p
  if (event.type === "message.updated") return recorder?.message((props.info ?? {}) as Record<string, unknown>)
  if (event.type === "message.part.updated") {
    const part = (props.part ?? {}) as { type?: unknown }
    if (part.type === "step-finish") recorder?.step(part as Record<string, unknown>)
    return
  }
  const info = (props.info ?? {}) as { id?: string; parentID?: string }
  if (event.type === "session.created" || event.type === "session.updated") {
    if (info.id && info.parentID) sessions.addSubagent(info.id)
    if (info.id && info.parentID) p.turns?.link(info.id, info.parentID)
    if (event.type !== "session.created" || !info.id || info.parentID) return
    ctx.firstSession()
    notify.checkQuota(true)
    notify.checkPeak()
    return service.refreshSoon()
  }
  if (event.type === "session.deleted") return info.id ? sessions.forget(info.id) : undefined
  const sessionID = typeof props.sessionID === "string" ? props.sessionID : ""
  if (sessions.isSubagent(sessionID)) return
  if (event.type === "session.idle") {
    p.turns?.end(sessionID)
    ctx.apply()
    notify.checkPeak()
    notify.checkQuota()
    notify.checkAccess()
    notify.checkModel(sessionID, sessions.model(sessionID))
    return service.refreshSoon()
  }
  if (event.type === "session.error") onProviderError(p, props)
}
