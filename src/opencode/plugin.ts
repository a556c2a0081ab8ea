// The OpenCode server plugin: /glm-quota, the agent tools, warnings as toasts, model advice.
// Every hook catches its own errors (a throwing hook kills the user's turn), never awaits the network on the
// chat path, and logs through the client — never console.
import type { Config, Hooks, Plugin, PluginInput } from "@opencode-ai/plugin"
import { adviceFor } from "../core/advice.ts"
import { runwayWarning } from "../core/local.ts"
import { modelWarning, peakWarning, quotaWarnings, type Warning } from "../core/warnings.ts"
import { clockFromEnv, localTimeZone } from "../zai/clock.ts"
import { applyModel } from "./apply.ts"
import { ProviderModels, type ProvidersClient } from "./models.ts"
import { pricedPeak } from "../core/report.ts"
import { pricingAt } from "../core/catalog.ts"
import { isQuotaPeak } from "../core/peak.ts"
import { pickModelList, providerOf } from "../core/providers.ts"
import { parseOptions, type Settings } from "./options.ts"
import { clocks, commandText, FAILURE_PREFIX, parseCommandArgs } from "./present.ts"
import { RequestGuard, type FetchFn } from "./guard.ts"
import { CODING_PLAN_IDS, zaiProvidersOf } from "../core/providers.ts"
import { Recorder } from "./recorder.ts"
import { sharedService } from "./service.ts"
import { tools } from "./tools.ts"

export const COMMAND = "glm-quota"
export const COMMAND_DESCRIPTION = "GLM Coding Plan quota: 5-hour, weekly and MCP windows, peak hours, the model for your plan (no model call). Args: full | json"
/** Thrown after the report is posted, so OpenCode makes no model call for the command. */
export const SENTINEL = "glm-quota: report posted; no model call needed"

type Level = "debug" | "info" | "warn" | "error"
type Client = PluginInput["client"]

const HANDLED = new Set(["session.created", "session.updated", "session.deleted", "session.idle", "session.error", "message.updated", "message.part.updated"])
const MAX_SESSIONS = 1000

interface SessionInfo {
  parentID?: string
  id?: string
}

let recorderSingleton: Recorder | null | undefined
/** One record per process, whatever the number of plugin instances; null when the state dir cannot be used. */
function sharedRecorder(env: NodeJS.ProcessEnv, now: () => Date): Recorder | null {
  if (recorderSingleton !== undefined) return recorderSingleton
  try {
    recorderSingleton = Recorder.fromEnv(env, now)
    recorderSingleton.startCompaction()
  } catch {
    recorderSingleton = null
  }
  return recorderSingleton
}

export function guardLine(guard: RequestGuard): string {
  if (!guard.settings.enabled) return "Request guard: off."
  const s = guard.stats
  const l = guard.settings
  return `Request guard (this OpenCode process): ${s.inFlight} in flight, ${s.queued} queued, ${s.retried} retried after 1302/1305 · limit ${l.limits.default ?? 1} per model, ${l.peakLimits.default ?? 1} at the throttling peak.`
}

let modelsSingleton: ProviderModels | undefined
/** One view of the providers' model lists per process. */
function sharedModels(env: NodeJS.ProcessEnv): ProviderModels {
  modelsSingleton ??= new ProviderModels(env)
  return modelsSingleton
}

let guardSingleton: RequestGuard | undefined
/** One guard per process: its queue spans every session and every plugin instance. */
function sharedGuard(settings: Settings, throttlePeak: () => boolean): RequestGuard {
  guardSingleton ??= new RequestGuard(settings.guard, { throttlePeak })
  return guardSingleton
}

const GUARDED = Symbol.for("glm-quota.guarded")

/** Wraps the fetch of every declared coding-plan provider (and any provider on a Z.ai or BigModel host). */
function installGuard(cfg: Config, guard: RequestGuard): string[] {
  const providers = (cfg.provider ?? {}) as Record<string, { options?: Record<string | symbol, unknown> }>
  const ids = [...new Set([...CODING_PLAN_IDS.filter((id) => id in providers), ...zaiProvidersOf(cfg)])]
  for (const id of ids) {
    const p = providers[id]!
    p.options ??= {}
    if (p.options[GUARDED]) continue
    const inner = (typeof p.options.fetch === "function" ? p.options.fetch : fetch) as FetchFn
    p.options.fetch = guard.wrap(inner)
    p.options[GUARDED] = true
  }
  return ids
}

/** The factory never throws either: if starting fails, OpenCode gets a plugin that does nothing, and a log line. */
export const server: Plugin = async (input, options) => {
  try {
    return await start(input, options)
  } catch (err) {
    try {
      void input.client.app.log({ body: { service: "glm-quota", level: "error", message: `glm-quota could not start: ${(err as Error)?.message ?? "unknown error"}` } }).catch(() => undefined)
    } catch {
      // nothing left to tell
    }
    return {}
  }
}

const start: Plugin = async (input, options) => {
  const client: Client = input.client
  const env = process.env
  const { settings, problems } = parseOptions(options)
  const clock = clockFromEnv(env, "running")
  if (!clock.ok) problems.push("GLM_QUOTA_NOW (not a date)")
  const now = clock.ok ? clock.value : () => new Date()
  const service = sharedService(settings, { env, fetch: (u, i) => fetch(u, i), now, recorder: sharedRecorder(env, now) })
  const recorder = service.recorder
  // The user's zone, asked of Intl on first use: Intl's first call loads ICU data (~25 ms), not a start-up cost.
  let zone: string | null = null
  const localTz = () => (zone ??= localTimeZone(env))
  const guard = sharedGuard(settings, () => service.peak(now()).periods.includes("throttle"))
  const clk = clocks(service, localTz)

  const log = (level: Level, message: string) => {
    try {
      void client.app.log({ body: { service: "glm-quota", level, message } }).catch(() => undefined)
    } catch {
      // logging must never hurt
    }
  }
  const toast = (w: Warning, force = false) => {
    if (!settings.toasts && !force) return
    try {
      void client.tui
        .showToast({ body: { title: w.title, message: w.message, variant: w.variant, duration: w.variant === "error" ? 12_000 : 8_000 } })
        .catch(() => undefined)
    } catch {
      // the TUI may not be there
    }
  }
  /** Shows a warning once per key for the whole process. */
  const once = (w: Warning | null) => {
    if (w === null || service.seen.has(w.key)) return
    service.seen.add(w.key)
    toast(w)
  }

  const subagents = new Set<string>()
  const sessionModel = new Map<string, string>()
  const remember = <K, V>(m: Map<K, V> | Set<K>, k: K, v?: V) => {
    if (m.size >= MAX_SESSIONS) m.clear()
    if (m instanceof Map) m.set(k, v as V)
    else m.add(k)
  }

  let problemsShown = false
  const showProblems = () => {
    if (problemsShown || problems.length === 0) return
    problemsShown = true
    log("warn", `invalid options, defaults used: ${problems.join(", ")}`)
    toast({ key: "options", title: "glm-quota: invalid options", message: `Ignored, defaults used: ${problems.join(", ")}.`, variant: "warning" }, true)
  }

  /** The peak now, priced for this plan's generation (from the last reading; by date when there is none yet). */
  const checkPeak = () => {
    const t = now()
    const known = service.latest()
    if (known !== null) {
      const { peak, pricing } = pricedPeak(known.snapshot, { now: t, schedule: settings.peak, peak: service.peak(t), modelCatalog: settings.modelCatalog })
      return once(peakWarning(peak, pricing, clk))
    }
    const peak = service.peak(t)
    once(peakWarning(peak, pricingAt({ catalog: settings.modelCatalog, generation: null, at: t.getTime(), quotaPeak: isQuotaPeak(peak, settings.peak) }), clk))
  }

  /** Quota warnings; with `runway`, also the runway of this machine's record (a read of the record: not on chat.message). */
  const checkQuota = (runway = true) => {
    const known = service.latest()
    if (known === null || known.stale) return
    const { show, alsoSeen } = quotaWarnings(known.snapshot.windows, settings.thresholds, clk)
    for (const k of alsoSeen) service.seen.add(k)
    for (const w of show) once(w)
    if (!runway) return
    const local = service.report(known)?.local
    if (local === undefined || local === null || local.runway.window === null) return
    const binding = known.snapshot.windows.find((w) => w.kind === local.runway.window)
    once(runwayWarning({ window: local.runway.window, resetsAt: binding?.resetsAt ?? null, runway: local.runway, now: now(), formatTime: clk.twoClocks }))
  }

  /** apply mode: the live config object from the `config` hook, re-applied whenever the quota or the peak changes. */
  let liveConfig: Config | null = null
  const models = sharedModels(env)
  /** The recommendation picks from the list of the provider the user's model is on (else their region's). */
  const syncModels = () => {
    const lists = models.current()
    const region = service.latest()?.snapshot.region ?? settings.region
    service.models = lists === null ? null : (pickModelList(lists, providerOf(liveConfig?.model), region)?.ids ?? null)
  }
  const reapply = () => {
    syncModels()
    if (settings.model !== "apply" || liveConfig === null) return
    const change = applyModel(liveConfig, service.report(undefined, false), models.current())
    if (change.kind === "set") log("info", change.line)
    if (change.kind === "kept" && !service.seen.has(`apply:${change.why}`)) {
      service.seen.add(`apply:${change.why}`)
      log("warn", `apply: ${change.why}`)
      toast({ key: `apply:${change.why}`, title: "glm-quota: model left as it is", message: `${change.why}.`, variant: "info" })
    }
  }

  const checkModel = (sessionID: string) => {
    if (settings.model === "off") return
    const modelID = sessionModel.get(sessionID)
    if (modelID === undefined) return
    const report = service.report(undefined, false)
    if (report === null) return
    once(modelWarning({ sessionID, modelID, report, policy: settings.policy, clocks: clk }))
  }

  // Warnings wait for the first session: toasts published while OpenCode is still bootstrapping the instance
  // (the start-up refresh can land then) were seen to get lost in 1.18.33.
  let sessionSeen = false
  const unsubscribe = service.onUpdate(() => {
    try {
      reapply()
      if (!sessionSeen) return
      checkQuota()
    } catch (err) {
      log("error", `quota warning failed: ${(err as Error).message}`)
    }
  })

  // Start-up: no network wait, not even the start of a request. The first refresh runs on the next tick, and so does
  // the one question to the running OpenCode: which models its Coding Plan providers list (never awaited by a hook).
  const first = setTimeout(() => {
    service.refreshSoon()
    void models.load(client as unknown as ProvidersClient).then((lists) => {
      if (lists !== null) reapply()
    })
  }, 0)
  first.unref?.()

  const hooks: Hooks = {
    async config(cfg) {
      try {
        cfg.command ??= {}
        cfg.command[COMMAND] ??= { template: "Show my GLM Coding Plan quota.", description: COMMAND_DESCRIPTION }
        liveConfig = cfg
        reapply()
        recorder?.addProviders(zaiProvidersOf(cfg))
        if (settings.guard.enabled) {
          const ids = installGuard(cfg, guard)
          if (ids.length > 0) log("info", `request guard on for ${ids.join(", ")}`)
        }
      } catch (err) {
        log("error", `config hook failed: ${(err as Error).message}`)
      }
    },

    async event({ event }) {
      if (!HANDLED.has(event.type)) return
      try {
        const props = (event as { properties?: Record<string, unknown> }).properties ?? {}
        if (event.type === "message.updated") {
          recorder?.message((props.info ?? {}) as Record<string, unknown>)
          return
        }
        if (event.type === "message.part.updated") {
          const part = (props.part ?? {}) as { type?: unknown }
          if (part.type === "step-finish") recorder?.step(part as Record<string, unknown>)
          return
        }
        if (event.type === "session.created" || event.type === "session.updated") {
          const info = (props.info ?? {}) as SessionInfo
          if (info.id && info.parentID) remember(subagents, info.id)
          if (event.type === "session.created" && info.id && !info.parentID) {
            sessionSeen = true
            showProblems()
            checkQuota()
            checkPeak()
            service.refreshSoon()
          }
          return
        }
        const sessionID = typeof props.sessionID === "string" ? props.sessionID : ""
        if (event.type === "session.deleted") {
          const info = (props.info ?? {}) as SessionInfo
          if (info.id) {
            subagents.delete(info.id)
            sessionModel.delete(info.id)
          }
          return
        }
        if (subagents.has(sessionID)) return
        if (event.type === "session.idle") {
          reapply()
          checkPeak()
          checkQuota()
          checkModel(sessionID)
          service.refreshSoon()
          return
        }
        if (event.type === "session.error") {
          const advice = adviceFor(JSON.stringify(props.error ?? props), clk.twoClocks)
          if (advice === null) return
          const bucket = advice.resetsAt ?? String(Math.floor(now().getTime() / 600_000))
          // A model the plan lacks: name the one to pick now, from the provider's list.
          const pick = advice.code === "1311" ? service.report(undefined, false)?.recommendation.model : undefined
          const message = pick === undefined ? advice.message : `${advice.message.replace(/\.$/, "")}, such as ${pick}.`
          once({ key: `error:${advice.code}:${bucket}`, title: advice.title, message, variant: "error" })
          if (advice.code === "1308" || advice.code === "1310") service.refreshSoon()
        }
      } catch (err) {
        log("error", `event hook failed: ${(err as Error).message}`)
      }
    },

    async "chat.message"(input, output) {
      try {
        if (subagents.has(input.sessionID)) return
        const model = output?.message?.model ?? input.model
        // Our own report arrives here too (a no-reply message whose parts are all ignored): not a prompt.
        const parts = output?.parts ?? []
        const ownReport = parts.length > 0 && parts.every((p) => p.type === "text" && p.ignored === true)
        if (!ownReport) recorder?.prompt(input.sessionID, model?.providerID, model?.modelID)
        if (model?.modelID) remember(sessionModel, input.sessionID, model.modelID)
        sessionSeen = true
        showProblems()
        checkQuota(false)
        checkPeak()
        checkModel(input.sessionID)
      } catch (err) {
        log("error", `chat.message hook failed: ${(err as Error).message}`)
      }
    },

    async "command.execute.before"(input) {
      if (input.command !== COMMAND) return
      let text: string
      try {
        const format = parseCommandArgs(input.arguments ?? "")
        text = await commandText(service, format, localTz())
        if (format !== "json" && !text.startsWith(FAILURE_PREFIX)) text += `\n\n${guardLine(guard)}`
      } catch (err) {
        text = "**glm-quota:** the report could not be made just now: try again in a minute."
        log("error", `command failed: ${(err as Error).message}`)
      }
      try {
        await client.session.prompt({
          path: { id: input.sessionID },
          body: { noReply: true, parts: [{ type: "text", text, ignored: true }] },
        })
      } catch (err) {
        log("error", `could not post the report: ${(err as Error).message}`)
        return
      }
      // The one deliberate throw: it stops OpenCode from sending the command's template to the model.
      throw new Error(SENTINEL)
    },

    async "tool.execute.after"(input) {
      try {
        recorder?.mcp(input.sessionID, input.tool)
      } catch (err) {
        log("error", `tool.execute.after hook failed: ${(err as Error).message}`)
      }
    },

    tool: tools(service, localTz),

    async dispose() {
      unsubscribe()
    },
  }
  return hooks
}
