// `/glm-quota ARGS` typed in OpenCode 1.18.33's TUI: the TUI sends a slash command with arguments to the server's
// command (a TUI plugin's slash entry runs only when picked from the autocomplete, without arguments), so the server
// half receives it. The TUI half runs on the main thread of the same process (the server half in a Worker): the
// server half asks over a BroadcastChannel whether a TUI here takes it; the TUI half opens its own dialog and says
// so, and the server half then posts nothing. No answer (`opencode run`, the HTTP API, a TUI attached from another
// process): the server half posts its text as before.

export const CLAIM_CHANNEL = "glm-quota.claim"
/** How long the server half waits for a TUI's answer: one message between two threads of one process. */
export const CLAIM_WAIT_MS = 250

/** What a TUI takes: a dialog (report, full, doctor), or the toast of a refused key (it says that one itself). */
export type ClaimKind = "report" | "full" | "doctor" | "access"

interface Ask {
  type: "ask"
  id: string
  kind: ClaimKind
  sessionID: string
}
interface Taken {
  type: "taken"
  id: string
}

type Channel = {
  postMessage(m: unknown): void
  close(): void
  onmessage: ((e: { data: unknown }) => void) | null
  unref?: () => void
}

function open(): Channel | null {
  const Ctor = (globalThis as unknown as { BroadcastChannel?: new (name: string) => Channel }).BroadcastChannel
  if (Ctor === undefined) return null
  const ch = new Ctor(CLAIM_CHANNEL)
  // Never what keeps a process up.
  ch.unref?.()
  return ch
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null

/** Whether a TUI in this process took the command (and shows its own dialog); false after `waitMs` without answer. */
export function askTui(kind: ClaimKind, sessionID: string, waitMs = CLAIM_WAIT_MS): Promise<boolean> {
  let ch: Channel | null
  try {
    ch = open()
  } catch {
    return Promise.resolve(false)
  }
  if (ch === null) return Promise.resolve(false)
  const channel = ch
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  return new Promise<boolean>((resolve) => {
    const done = (taken: boolean) => {
      clearTimeout(timer)
      channel.onmessage = null
      try {
        channel.close()
      } catch {
        // closed already
      }
      resolve(taken)
    }
    const timer = setTimeout(() => done(false), waitMs)
    ;(timer as { unref?: () => void }).unref?.()
    channel.onmessage = (e) => {
      if (isObj(e.data) && e.data.type === "taken" && e.data.id === id) done(true)
    }
    try {
      channel.postMessage({ type: "ask", id, kind, sessionID } satisfies Ask)
    } catch {
      done(false)
    }
  })
}

/**
 * The TUI half's side: `take(kind, sessionID)` opens the dialog and returns true (or false to leave the command to
 * the server half). Returns the function that stops listening.
 */
export function serveClaims(take: (kind: ClaimKind, sessionID: string) => boolean): () => void {
  let ch: Channel | null
  try {
    ch = open()
  } catch {
    return () => {}
  }
  if (ch === null) return () => {}
  const channel = ch
  channel.onmessage = (e) => {
    try {
      const m = e.data
      if (!isObj(m) || m.type !== "ask" || typeof m.id !== "string" || typeof m.sessionID !== "string") return
      if (m.kind !== "report" && m.kind !== "full" && m.kind !== "doctor" && m.kind !== "access") return
      if (take(m.kind, m.sessionID)) channel.postMessage({ type: "taken", id: m.id } satisfies Taken)
    } catch {
      // the server half posts its text then
    }
  }
  return () => {
    try {
      channel.onmessage = null
      channel.close()
    } catch {
      // closed already
    }
  }
}
