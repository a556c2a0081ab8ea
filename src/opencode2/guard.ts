// The request guard in OpenCode 2: the `sdk` hook of the AI SDK layer hands each provider's options before its client
// is made, and `options.fetch` wraps every model request to it — the same place the 1.x half wraps (guard-install.ts).
// One hook per Coding Plan provider id; a provider on a Z.ai host under another id is not seen here (the doctor
// says so).
import { CODING_PLAN_IDS } from "../core/plans/providers.ts"
import { GUARDED, type FetchFn } from "../opencode/guard.ts"
import type { Disposable } from "./host.ts"
import type { Parts2 } from "./parts.ts"

export async function installGuard2(p: Parts2): Promise<Disposable | undefined> {
  const hook = p.ctx.aisdk?.hook
  if (!p.settings.guard.enabled || typeof hook !== "function") return undefined
  const handles: Disposable[] = []
  for (const providerID of CODING_PLAN_IDS) {
    const d = await hook(
      "sdk",
      (input) => {
        try {
          const o = input.options as Record<string | symbol, unknown>
          if (o[GUARDED]) return
          const inner = (typeof o.fetch === "function" ? o.fetch : fetch) as FetchFn
          o.fetch = p.guard.wrap(inner)
          o[GUARDED] = true
        } catch (err) {
          p.log.add("error", `request guard: ${(err as Error)?.message ?? "unknown error"}`)
        }
      },
      { providerID },
    )
    handles.push(d)
  }
  return { dispose: () => handles.forEach((h) => void Promise.resolve(h.dispose()).catch(() => undefined)) }
}
