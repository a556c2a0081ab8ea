// Apply mode in OpenCode 2: the session's model is switched (`session.switchModel`, which the TUI shows at once) to the
// recommended id — only one the running host lists for that Coding Plan provider — when a session starts, after each
// turn, and when the quota or the peak changes. A session whose model the user picked (any model change that is not
// ours) is left alone from then on. Subagent sessions are the parent's business. The lists come from the host's model
// list in the background (kept on disk for the next start, as in 1.x); nothing here holds up a hook.
import { bareId } from "../core/plans/model-catalog.ts"
import { modelListsOf, pickModelList } from "../core/plans/providers.ts"
import type { ModelLists } from "../opencode/provider-models.ts"
import type { ModelRef } from "./host.ts"
import type { Parts2 } from "./parts.ts"

const MAX_SESSIONS = 1000

export class Applier {
  /** Set by the event loop: the model a session runs, and whether it is a subagent. */
  modelOf: (sessionID: string) => ModelRef | null = () => null
  isSubagent: (sessionID: string) => boolean = () => false
  /** Sessions whose model the user picked. */
  private readonly picked = new Set<string>()
  /** sessionID → the id we asked the host to switch to (its `session.model.selected` is ours). */
  private readonly pending = new Map<string, string>()
  /** Sessions seen, for a re-decision when the quota or the peak changes. */
  private readonly known = new Set<string>()
  private asked = false

  constructor(private readonly p: Parts2) {}

  private get on(): boolean {
    return this.p.settings.model === "apply"
  }

  /** The lists now (disk or host); the host is asked once per process start, in the background. */
  private lists(): ModelLists | null {
    if (!this.asked) {
      this.asked = true
      void this.p.models
        .loadWith(async () => modelListsOf((await this.p.ctx.model.list({}))?.data))
        .then((lists) => {
          this.p.service.models = lists === null ? this.p.service.models : this.listFor(lists)
          if (lists !== null) this.all()
        })
        .catch(() => undefined)
    }
    return this.p.models.current()
  }

  private listFor(lists: ModelLists): readonly string[] | null {
    const region = this.p.service.latest()?.snapshot.region ?? this.p.settings.region
    return pickModelList(lists, null, region)?.ids ?? null
  }

  created(sessionID: string): void {
    if (this.known.size >= MAX_SESSIONS) this.known.clear()
    this.known.add(sessionID)
    this.decide(sessionID)
  }

  after(sessionID: string): void {
    this.known.add(sessionID)
    this.decide(sessionID)
  }

  all(): void {
    for (const id of this.known) this.decide(id)
  }

  /** A model change: ours when it is the one we asked for, else the user's pick. */
  selected(sessionID: string, model: ModelRef): void {
    const ours = this.pending.get(sessionID)
    this.pending.delete(sessionID)
    if (ours !== undefined && ours === model.id) return
    this.picked.add(sessionID)
  }

  userPicked(sessionID: string): boolean {
    return this.picked.has(sessionID)
  }

  private decide(sessionID: string): void {
    const lists = this.lists()
    if (!this.on || this.picked.has(sessionID) || this.pending.has(sessionID) || this.isSubagent(sessionID)) return
    const current = this.modelOf(sessionID)
    const report = this.p.service.current()
    if (current === null || lists === null || report === null) return
    const ids = lists[current.providerID]
    if (ids === undefined) return
    this.p.service.models = ids
    const want = report.recommendation.model
    const listed = ids.find((id) => bareId(id) === bareId(want))
    if (listed === undefined) {
      this.p.log.add("warn", `apply: ${current.providerID} does not list ${want}, so the model stays ${current.id}`)
      return
    }
    if (listed === current.id) return
    this.pending.set(sessionID, listed)
    const model = { providerID: current.providerID, id: listed }
    this.p.ctx.session.switchModel({ sessionID, model }).then(
      () => this.p.log.add("info", `model set to ${current.providerID}/${listed}: ${report.recommendation.reason}`),
      (err: unknown) => {
        this.pending.delete(sessionID)
        this.p.log.add("error", `apply: could not switch the model: ${(err as Error)?.message ?? "unknown error"}`)
      },
    )
  }
}
