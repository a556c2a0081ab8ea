// What OpenCode 2 (2.2.5) hands a server plugin's `setup(ctx)`, as far as glm-quota uses it. `@opencode/plugin` is
// provided by the host at run time and is not in the registry, so these shapes are typed from what 2.2.5 passes
// (test/e2e/FINDINGS.md, "OpenCode 2") and every call is made defensively: a domain that is missing or throws leaves
// that feature off, never the plugin.

/** A model as 2.x names it: provider and id apart. */
export interface ModelRef {
  providerID: string
  id: string
  variant?: string
}

export interface Disposable {
  dispose: () => void | Promise<void>
}

/** One bus event: `type`, and its payload under `data`. */
export interface HostEvent {
  id?: string
  type: string
  data?: Record<string, unknown>
}

/** A tool as `ctx.tool.transform`'s draft takes it: JSON-Schema input; `content` is what the model reads. */
export interface HostTool {
  name: string
  description: string
  input: Record<string, unknown>
  options?: { codemode?: boolean }
  execute: (
    args: Record<string, unknown>,
    ctx: { sessionID?: string },
  ) => Promise<{ output?: unknown; content: string }>
}

/** A slash command as `ctx.command.transform`'s draft takes it; `execute` gets the invocation. */
export interface HostCommand {
  name: string
  description: string
  execute: (invocation: { sessionID: string; prompt?: { text?: string } }) => Promise<void>
}

export interface ServerContext {
  app?: { name?: string; version?: string }
  location?: { directory?: string }
  options?: unknown
  command: { transform: (fn: (draft: { add: (c: HostCommand) => void }) => void) => Promise<Disposable> }
  tool: { transform: (fn: (draft: { add: (t: HostTool) => void }) => void) => Promise<Disposable> }
  event: { subscribe: (opts: { types: string[] }) => AsyncIterable<HostEvent> }
  session: {
    synthetic: (input: { sessionID: string; text: string; description?: string; resume?: boolean }) => Promise<unknown>
    switchModel: (input: { sessionID: string; model: ModelRef }) => Promise<unknown>
    get: (input: { sessionID: string }) => Promise<{ parentID?: string; model?: ModelRef } | undefined>
    /** A hook the host awaits (`http.request`, `http.response`, …), for one provider when `providerID` is given. */
    hook?: (name: string, fn: (input: never) => unknown, opts?: { providerID?: string }) => Promise<Disposable>
  }
  model: {
    list: (input: Record<string, unknown>) => Promise<{ data?: unknown }>
    /** The model a session without one of its own runs: the config's `model`, else the host's pick. */
    default: (input: Record<string, unknown>) => Promise<unknown>
  }
  integration?: {
    connection?: {
      active: (integrationID: string) => Promise<unknown>
      resolve: (connection: unknown) => Promise<unknown>
    }
  }
}

/**
 * Whether `ctx` is OpenCode 2's server context. OpenCode 1.18.33 also calls `setup` of a module that exports it, at
 * its first prompt, through a smaller preview context (no `session`, no `app`): on top of `server`, which already did
 * everything there. That one must be recognised and left alone, or every command and tool would register twice.
 */
export function isServerContext(ctx: unknown): ctx is ServerContext {
  if (typeof ctx !== "object" || ctx === null) return false
  const c = ctx as Record<string, Record<string, unknown> | undefined>
  return (
    typeof c.session?.synthetic === "function" &&
    typeof c.command?.transform === "function" &&
    typeof c.app === "object" &&
    c.app !== null
  )
}
