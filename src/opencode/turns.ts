// The turn meter of the server half (src/quota/turn-meter.ts), wired to this process's record and quota service: the
// recorder's model and MCP calls feed it, fresh readings complete the counter changes. No network on any hook.
import { isQuotaPeak } from "../core/time/peak.ts"
import type { QuotaService } from "../quota/service.ts"
import { TurnMeter } from "../quota/turn-meter.ts"
import type { Recorder } from "./recorder.ts"
import type { ServerState } from "./state.ts"

/**
 * The process's turn meter (one, like the record it writes to: every instance's sessions feed it), made with the first
 * instance's quota service.
 */
export function turnsFor(state: ServerState, recorder: Recorder | null, service: QuotaService): TurnMeter | null {
  if (recorder === null) return null
  state.turns ??= turnMeterFor(recorder, service).meter
  return state.turns
}

export function turnMeterFor(recorder: Recorder, service: QuotaService): { meter: TurnMeter; stop: () => void } {
  const meter = new TurnMeter({
    now: service.now,
    append: (turn) => recorder.append(turn),
    records: () => recorder.records(),
    reading: () => service.latest()?.snapshot ?? null,
    refreshSoon: () => service.refreshSoon(),
    catalog: () => service.settings.modelCatalog,
    phaseAt: (at) => (isQuotaPeak(service.peak(at), service.settings.peak) ? "peak" : "offPeak"),
  })
  recorder.listener = {
    call: (e) => meter.call(e.session, e),
    mcp: (session) => meter.mcp(session),
  }
  const unsubscribe = service.onUpdate((reading) => {
    if (!reading.stale) meter.onReading(reading.snapshot)
  })
  return {
    meter,
    stop: () => {
      unsubscribe()
      meter.close()
      if (recorder.listener !== null) recorder.listener = null
    },
  }
}
