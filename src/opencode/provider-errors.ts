// A provider error in a session (`session.error`) that carries a Z.ai code: the plain advice as a toast, once per reset
// (or per ten minutes), naming the model to pick where the plan lacks one.
import { adviceFor } from "../core/report/advice.ts"
import type { QuotaService } from "../quota/service.ts"
import type { Settings } from "../options/server.ts"
import type { Notifier } from "./notify.ts"
import { clocksFor, type ViewAt } from "./present.ts"

interface ErrorParts {
  settings: Settings
  service: QuotaService
  notify: Notifier
  at: () => ViewAt
}

/** A provider error carrying a Z.ai code: the plain advice once per reset (or per ten minutes). */
export function onProviderError(p: ErrorParts, props: Record<string, unknown>): void {
  const advice = adviceFor(JSON.stringify(props.error ?? props), (iso) =>
    clocksFor(p.settings.peak.timeZone, () => p.at().localTimeZone, p.service.now).twoClocks(iso),
  )
  if (advice === null) return
  const bucket = advice.resetsAt ?? String(Math.floor(p.service.now().getTime() / 600_000))
  // A model the plan lacks: name the one to pick now, from the provider's list.
  const pick = advice.code === "1311" ? p.service.current()?.recommendation.model : undefined
  const message = pick === undefined ? advice.message : `${advice.message.replace(/\.$/, "")}, such as ${pick}.`
  p.notify.once({ key: `error:${advice.code}:${bucket}`, title: advice.title, message, variant: "error" })
  if (advice.code === "1308" || advice.code === "1310") p.service.refreshSoon()
}
