// Reset cards: whether one would help now. Read-only advice — spending a card is the user's act in the console. Pure.
import type { QuotaWindow, QuotaWindowKind, ResetCards } from "../types.ts"

/** The JSON's `resetCards`: what the account holds, and which window a card would help now (null: none). */
export interface ResetCardsReport extends ResetCards {
  suggested: QuotaWindowKind | null
}

/** A card is worth a word when the binding window is this full … */
const NEAR_FULL_PERCENT = 80
/** … and its own reset is further away than this. */
const MIN_WAIT_MS = 60 * 60_000

/**
 * A five-hour card resets the 5-hour window; a week card resets the weekly and the 5-hour window. So: binding 5-hour
 * window near full → a five-hour card, else a week card; binding weekly window near full → a week card.
 */
export function resetCardsReport(
  cards: ResetCards,
  windows: readonly QuotaWindow[],
  binding: QuotaWindowKind | null,
  now: Date,
): ResetCardsReport {
  const w = binding === null ? undefined : windows.find((x) => x.kind === binding)
  const nearEnd =
    w !== undefined &&
    w.usedPercent !== null &&
    w.usedPercent >= NEAR_FULL_PERCENT &&
    (w.resetsAt === null || Date.parse(w.resetsAt) - now.getTime() > MIN_WAIT_MS)
  let suggested: QuotaWindowKind | null = null
  if (nearEnd && binding === "five_hour" && (cards.fiveHour.available > 0 || cards.weekly.available > 0))
    suggested = "five_hour"
  if (nearEnd && binding === "weekly" && cards.weekly.available > 0) suggested = "weekly"
  return { ...cards, suggested }
}
