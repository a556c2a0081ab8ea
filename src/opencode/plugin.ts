// The server plugin as OpenCode loads it at start-up: the command, the tools' definitions, the request guard's place
// in front of the providers — and nothing else. The rest (instance.ts: the quota service, the catalog, the reports, the
// doctor) is one dynamic import, made at the first thing that needs it: a session, a prompt, the command, a tool, a
// model request, or one second after start, whichever comes first. In the opencode binary every kilobyte of a plugin
// read at start-up costs the instance's bootstrap (~30 ms for the whole plugin on this machine, test/e2e/FINDINGS.md
// §7); this module is what is left of it.
//
// Apply mode ("model": "apply") is the exception: the model must be set before the TUI reads the config, so its
// config hook waits for the import.
import type { Config, Hooks, Plugin, PluginInput, ToolDefinition } from "@opencode-ai/plugin"
import type { Env, FetchLike } from "../core/types.ts"
import { installGuard, type FetchFn } from "./guard-install.ts"
import type { OpenServer, ServerDeps } from "./instance.ts"
import type { ServerState } from "./state.ts"
import { COMMAND, COMMAND_DESCRIPTION, COMMAND_TEMPLATE, HANDLED } from "./meta.ts"
import { PLAIN_ARGS, TOOL_DESCRIPTIONS, TOOL_NAMES, type ToolName } from "./tool-meta.ts"
import { guardOff, wantsApply } from "../options/peek.ts"

/** What the dynamic import brings: instance.ts. */
export interface ServerModule {
  openServer: (input: PluginInput, options: unknown, deps: ServerDeps) => OpenServer
  createServerState: () => ServerState
}

export interface FrontDeps {
  env: Env
  fetch: FetchLike
  /** Imports instance.ts (the entry says how, so that the bundler makes it a chunk of its own). */
  load: () => Promise<ServerModule>
  /** Default: GLM_QUOTA_NOW running from its instant, else the real clock (instance.ts decides). */
  now?: () => Date
  /** The process's shared state; default: one made at the first load, shared by every instance of this factory. */
  state?: ServerState
  /** When the rest is loaded if nothing asked for it sooner; default 1000 ms. */
  warmUpMs?: number
}

const WARM_UP_MS = 1000

/** The factory: never throws, never loads the rest itself. */
export function createPlugin(deps: FrontDeps): Plugin {
  let state = deps.state
  return async (input, options) => {
    try {
      const open = opener(input, options, deps, (m) => (state ??= m.createServerState()))
      return frontHooks(input, options, open, deps.warmUpMs ?? WARM_UP_MS)
    } catch {
      return {}
    }
  }
}

type Open = () => Promise<OpenServer | null>

/** The one load of the rest for this instance; null (and a log line saying why) when it cannot start. */
function opener(
  input: PluginInput,
  options: unknown,
  deps: FrontDeps,
  stateOf: (m: ServerModule) => ServerState,
): Open {
  let opened: Promise<OpenServer | null> | null = null
  return () =>
    (opened ??= deps
      .load()
      .then((m) => m.openServer(input, options, { env: deps.env, fetch: deps.fetch, state: stateOf(m), now: deps.now }))
      .catch((err: unknown) => {
        log(input, "error", `glm-quota could not start: ${(err as Error)?.message ?? "unknown error"}`)
        return null
      }))
}

function log(input: PluginInput, level: "info" | "error", message: string): void {
  try {
    void input.client.app.log({ body: { service: "glm-quota", level, message } }).catch(() => undefined)
  } catch {
    // nothing left to tell
  }
}

function frontHooks(input: PluginInput, options: unknown, openRest: Open, warmUpMs: number): Hooks {
  /** The live config from the `config` hook, handed to the rest's own `config` hook once it is loaded. */
  let liveConfig: Config | null = null
  let configured: Promise<void> | null = null
  let started = false
  let loaded: OpenServer | null = null
  const open = async (): Promise<OpenServer | null> => {
    started = true
    const o = (loaded = await openRest())
    if (o !== null && liveConfig !== null) await (configured ??= configure(o, liveConfig))
    return o
  }
  const warm = setTimeout(() => void open().catch(() => undefined), warmUpMs)
  warm.unref?.()
  const forward = async (name: string, call: (h: Hooks) => unknown): Promise<void> => {
    try {
      const o = await open()
      if (o !== null) await call(o.hooks)
    } catch (err) {
      log(input, "error", `${name} hook failed: ${(err as Error)?.message ?? "unknown error"}`)
    }
  }
  const run = (name: ToolName) => async (args: unknown, ctx: unknown) => {
    const o = await open()
    const t = o?.hooks.tool?.[name]
    if (t === undefined)
      return "glm-quota could not start in this OpenCode process: see its log, then restart OpenCode."
    return t.execute(args as never, ctx as never)
  }
  // The rest's own definitions validate the arguments; their zod schemas are what OpenCode turns into the JSON Schema
  // the agent sees, read when the first prompt builds its tool list (by then that prompt's chat.message loaded them).
  const toolOf = (name: ToolName): ToolDefinition =>
    ({
      description: TOOL_DESCRIPTIONS[name],
      get args() {
        return loaded?.hooks.tool?.[name]?.args ?? PLAIN_ARGS[name]
      },
      execute: run(name),
    }) as unknown as ToolDefinition

  return {
    async config(cfg) {
      try {
        cfg.command ??= {}
        cfg.command[COMMAND] ??= { template: COMMAND_TEMPLATE, description: COMMAND_DESCRIPTION }
        liveConfig = cfg
        if (!guardOff(options)) {
          const ids = installGuard(cfg, (inner) => lazyGuard(open, inner))
          if (ids.length > 0) log(input, "info", `request guard on for ${ids.join(", ")}`)
        }
        // Apply mode waits for the rest (the model is set from it); so does a config handed over after it loaded.
        if (started || wantsApply(options)) await open()
      } catch (err) {
        log(input, "error", `config hook failed: ${(err as Error)?.message ?? "unknown error"}`)
      }
    },
    async event(x) {
      if (!HANDLED.has(x.event.type)) return
      await forward("event", (h) => h.event?.(x))
    },
    "chat.message": (inp, out) => forward("chat.message", (h) => h["chat.message"]?.(inp, out)),
    // Not wrapped: the command's hook ends by throwing its sentinel on purpose (instance.ts, command.ts).
    async "command.execute.before"(inp, out) {
      if (inp.command !== COMMAND) return
      const o = await open().catch(() => null)
      await o?.hooks["command.execute.before"]?.(inp, out)
    },
    "tool.execute.after": (inp, out) => forward("tool.execute.after", (h) => h["tool.execute.after"]?.(inp, out)),
    tool: Object.fromEntries(TOOL_NAMES.map((n) => [n, toolOf(n)])),
    async dispose() {
      clearTimeout(warm)
      if (started) await forward("dispose", (h) => h.dispose?.())
    },
  }
}

/** The rest's config hook on the live config: the guard is installed already (GUARDED), the model applied. */
async function configure(o: OpenServer, cfg: Config): Promise<void> {
  await o.hooks.config?.(cfg)
}

/** A provider's fetch that waits for the real guard at its first request (the rest is loaded by then, most often). */
function lazyGuard(open: Open, inner: FetchFn): FetchFn {
  let wrapped: FetchFn | null = null
  return async (url, init) => {
    if (wrapped === null) {
      const o = await open().catch(() => null)
      wrapped = o === null ? inner : o.guard.wrap(inner)
    }
    return wrapped(url, init)
  }
}
