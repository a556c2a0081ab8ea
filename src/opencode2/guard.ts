// The request guard in OpenCode 2. 2.2.5's Coding Plan providers are its own (not the AI SDK's, whose `sdk` hook
// never fires for them), but every provider request passes two session hooks the host awaits: `http.request` before
// it is sent and `http.response` when its answer starts. The guard holds a request in `http.request` until a slot is
// free (first come, first served, per model: the same RequestGuard and limits as 1.x) and frees the slot when the
// answer's body ends. A request that never gets an answer frees its slot when its turn ends. Retrying a 1302 is left to
// OpenCode's own retry policy here: 2.x gives a plugin no way to send the request again (the README and the doctor
// say so).
import { CODING_PLAN_IDS } from "../core/plans/providers.ts"
import type { Disposable } from "./host.ts"
import type { Parts2 } from "./parts.ts"

interface HttpHookInput {
  sessionID?: string
  model?: { id?: string }
  request: Request
  response?: Response
}

/** What the guard holds now: each request's release, and each session's, to free what a failed turn left. */
export class GuardSlots {
  private readonly byRequest = new Map<Request, { session: string; release: () => void }>()

  hold(request: Request, session: string, release: () => void): void {
    this.byRequest.set(request, { session, release })
  }

  /** The release of `request`'s slot, taken out of the table (null when it holds none). */
  take(request: Request): (() => void) | null {
    const held = this.byRequest.get(request)
    if (held === undefined) return null
    this.byRequest.delete(request)
    return held.release
  }

  /** Frees every slot a session still holds (its turn ended without an answer to some request). */
  endSession(session: string): void {
    for (const [request, held] of this.byRequest)
      if (held.session === session) {
        this.byRequest.delete(request)
        held.release()
      }
  }
}

export async function installGuard2(p: Parts2, slots: GuardSlots): Promise<Disposable | undefined> {
  const hook = p.ctx.session.hook
  if (!p.settings.guard.enabled || typeof hook !== "function") return undefined
  const handles: Disposable[] = []
  for (const providerID of CODING_PLAN_IDS) {
    handles.push(
      await hook(
        "http.request",
        async (x: HttpHookInput) => {
          try {
            const release = await p.guard.acquire(x.model?.id ?? "default", x.request.signal)
            slots.hold(x.request, x.sessionID ?? "", release)
          } catch (err) {
            // An aborted wait: the request is gone with it. Anything else must not stop the user's turn.
            if ((err as Error)?.name !== "AbortError")
              p.log.add("error", `request guard: ${(err as Error)?.message ?? "unknown error"}`)
          }
        },
        { providerID },
      ),
      await hook(
        "http.response",
        (x: HttpHookInput) => {
          const release = slots.take(x.request)
          if (release === null || x.response === undefined) return release?.()
          x.response = p.guard.holdUntilDone(x.response, release)
        },
        { providerID },
      ),
    )
  }
  return { dispose: () => handles.forEach((h) => void Promise.resolve(h.dispose()).catch(() => undefined)) }
}
