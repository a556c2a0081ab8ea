// The OpenCode 2 server half's log. 2.x gives a server plugin no log domain (and the console is the user's terminal),
// so the last lines are kept in memory and shown by `/glm-quota doctor`. Bounded; lines are our own text.
export type Level = "debug" | "info" | "warn" | "error"

const MAX_LINES = 50

export class HostLog {
  private readonly lines: string[] = []

  constructor(private readonly now: () => Date) {}

  add(level: Level, message: string): void {
    try {
      if (this.lines.length >= MAX_LINES) this.lines.shift()
      this.lines.push(`${this.now().toISOString()} ${level} ${message}`)
    } catch {
      // logging must never hurt
    }
  }

  /** The adapter the shared command code logs through (it speaks 1.x's Notifier). */
  log = (level: Level, message: string): void => this.add(level, message)

  /** The warnings and errors, newest last. */
  problems(): string[] {
    return this.lines.filter((l) => / (warn|error) /.test(l))
  }
}
