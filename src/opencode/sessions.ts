// Which sessions are subagents (no per-session warnings there) and which model each session runs. Bounded: a long-lived
// OpenCode process forgets the oldest when a table grows past its cap.
const MAX_SESSIONS = 1000

export class Sessions {
  private readonly subagents = new Set<string>()
  private readonly models = new Map<string, string>()

  addSubagent(id: string): void {
    if (this.subagents.size >= MAX_SESSIONS) this.subagents.clear()
    this.subagents.add(id)
  }

  isSubagent(id: string): boolean {
    return this.subagents.has(id)
  }

  setModel(id: string, model: string): void {
    if (this.models.size >= MAX_SESSIONS) this.models.clear()
    this.models.set(id, model)
  }

  model(id: string): string | undefined {
    return this.models.get(id)
  }

  forget(id: string): void {
    this.subagents.delete(id)
    this.models.delete(id)
  }
}
