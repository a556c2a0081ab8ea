// The last turn's credits for the widget, read from this machine's record (the server half's turn meter writes it;
// src/quota/turn-meter.ts). The store is loaded on first use, off the TUI's start-up, and read incrementally at most
// every few seconds; the widget shows what was read last. Never throws.
import type { LocalRecord, TurnEvent } from "../core/record/records.ts"
import type { Env } from "../core/types.ts"
import { turnsOf } from "../core/record/turns.ts"

const READ_EVERY_MS = 5_000
const LOOKBACK_MS = 7 * 86_400_000

type View = { read(since: number): { records: readonly LocalRecord[] } }

export class LastTurns {
  private view: View | null = null
  private loading = false
  private readAt = -Infinity
  private turns: TurnEvent[] = []

  constructor(
    private readonly env: Env,
    private readonly now: () => Date,
  ) {}

  private load(): void {
    if (this.loading) return
    this.loading = true
    void import("../local/store.ts").then(
      ({ LocalStore, stateDir }) => {
        try {
          this.view = new LocalStore({ dir: stateDir(this.env), now: this.now }).live()
        } catch {
          // no record here: no last turn
        }
      },
      () => undefined,
    )
  }

  /** The latest turn of the session (else of any session on this machine), or null. */
  latest(session: string | undefined): TurnEvent | null {
    try {
      if (this.view === null) {
        this.load()
        return null
      }
      const t = this.now().getTime()
      if (t - this.readAt >= READ_EVERY_MS) {
        this.readAt = t
        this.turns = turnsOf(this.view.read(t - LOOKBACK_MS).records)
      }
      const mine = session === undefined ? [] : this.turns.filter((x) => x.session === session)
      return (mine.length > 0 ? mine : this.turns).at(-1) ?? null
    } catch {
      return null
    }
  }
}
