// The 24-hour usage history: the range the vendor asks for, and the shape we keep. Pure.
import { PEAK_TZ } from "../text/vocabulary.ts"
import { instantOf, wallOf } from "../zone.ts"
import { hm, wallClock, ymd } from "../text/format.ts"
import type { UsageHistory } from "../types.ts"

/** "yesterday at this hour :00" to "today at this hour :59:59", Beijing time, as the vendor's console asks. */
export function usageRange(now: Date): { startTime: string; endTime: string } {
  const bj = wallOf(now.getTime(), PEAK_TZ)
  const end = wallClock(now.getTime(), PEAK_TZ)
  // The same hour one calendar day earlier (Beijing keeps no DST, so that is 24 hours).
  const yesterday = instantOf(PEAK_TZ, bj.year, bj.month, bj.day - 1, bj.hour, bj.minute)
  const start = wallClock(yesterday, PEAK_TZ)
  return {
    startTime: `${ymd(start)} ${hm(start).slice(0, 2)}:00:00`,
    endTime: `${ymd(end)} ${hm(end).slice(0, 2)}:59:59`,
  }
}

const SPARKS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

/** An hourly sparkline; null slots show as a space, so gaps stay visible. */
export function sparkline(values: (number | null)[]): string {
  // A loop, not Math.max(...values): a long series would overflow the call stack.
  let max = 0
  for (const v of values) if (v !== null && Number.isFinite(v) && v > max) max = v
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v) || v < 0) return " "
      if (max === 0) return SPARKS[0]
      return SPARKS[Math.min(SPARKS.length - 1, Math.floor((v / max) * (SPARKS.length - 1)))]
    })
    .join("")
}

export function sumSeries(values: (number | null)[]): number | null {
  let total = 0
  let any = false
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue
    total += v
    any = true
  }
  // Sums of absurd values overflow: no total then, rather than Infinity.
  return any && Number.isFinite(total) ? total : null
}

export function emptyHistory(): UsageHistory {
  return {
    hours: [],
    modelCalls: [],
    tokens: [],
    perModel: [],
    totals: { modelCalls: null, tokens: null, search: null, webRead: null, zread: null },
    tools: { search: [], webRead: [], zread: [] },
  }
}
