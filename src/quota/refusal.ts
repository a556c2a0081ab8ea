// A key the API refuses — rejected, or without a Coding Plan — said in one error toast per key, by one half: the TUI
// half when it is loaded in this process (it has the screen from the first frame; the server half's toasts before the
// first session were seen to get lost in 1.18.33), else the server half. The server half asks over the claim channel.
import type { QuotaError } from "../core/types.ts"
import type { Warning } from "../core/report/warnings.ts"
import { openCodeAdvice } from "../core/text/vocabulary.ts"

export interface Refusal {
  error: QuotaError
  /** A hash of the key it was for (as the cache names its files): never the key. */
  keyTag: string
}

/** The toast of a refusal; its key makes it once per key and kind. */
export function refusalWarning(r: Refusal): Warning {
  const rejected = r.error.kind === "auth"
  return {
    key: `refusal:${r.error.kind}:${r.keyTag}`,
    title: rejected ? "glm-quota: GLM key rejected" : "glm-quota: no GLM Coding Plan on this key",
    message: openCodeAdvice(r.error.message),
    variant: "error",
  }
}
