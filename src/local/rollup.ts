// Compaction of one segment's records: drop what is past retention, roll old events into hourly aggregates. Pure.
//
// Why aggregate at all: at Max-plan pace (2,400 prompts per 5 h, ~17 model calls each) one busy day is ~43,000
// lines, ~3.6 MB; 30 days of raw lines would be ~100 MB. Everything the summaries need from records older than six
// hours (the 5-hour window and the hour of burn rate stay raw) is hourly: counts, tokens and MCP calls per session
// and model. So events before `rollBefore` (the store passes six hours ago, `RAW_MS`, rounded down to the hour)
// become one line per (UTC hour, session, model) — MCP calls under model "" — and API snapshots before it keep the
// last one of each hour. Aggregates merge with aggregates, so compacting twice changes nothing the second time.
import { addTokens, HOUR_MS, type HourAggregate, type LocalRecord, type SnapshotEvent } from "../core/record/records.ts"

export interface RollUpOptions {
  /** Events with `t` before this instant become hourly aggregates (give an hour boundary). */
  rollBefore: number
  /** Records with `t` before this instant are dropped (retention). */
  dropBefore: number
}

export interface RollUpResult {
  /** Aggregates (by hour, session, model), then old snapshots (one per hour), then the recent records as they were. */
  records: LocalRecord[]
  /** Whether anything was dropped, rolled up, merged or thinned (else the segment need not be rewritten). */
  changed: boolean
}

const hourOf = (t: number): number => Math.floor(t / HOUR_MS) * HOUR_MS

function emptyAggregate(t: number, session: string, model: string): HourAggregate {
  return {
    t,
    kind: "hour",
    session,
    model,
    prompts: 0,
    calls: 0,
    input: 0,
    output: 0,
    cacheRead: 0,
    cacheWrite: 0,
    mcp: {},
  }
}

/** MCP calls per tool of each aggregate, counted apart while rolling up. */
type Tools = Map<HourAggregate, Map<string, number>>

/** The aggregates in hour, session, model order, each with its MCP tool counts sorted by tool name. */
function sortedAggregates(aggregates: Map<string, HourAggregate>, tools: Tools): HourAggregate[] {
  return [...aggregates.values()]
    .map((a) => ({
      ...a,
      mcp: Object.fromEntries([...tools.get(a)!.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))),
    }))
    .sort(
      (a, b) =>
        a.t - b.t ||
        (a.session < b.session ? -1 : a.session > b.session ? 1 : 0) ||
        (a.model < b.model ? -1 : a.model > b.model ? 1 : 0),
    )
}

export function rollUp(records: readonly LocalRecord[], opts: RollUpOptions): RollUpResult {
  const aggregates = new Map<string, HourAggregate>()
  const tools: Tools = new Map()
  const snapshots = new Map<number, SnapshotEvent>()
  const recent: LocalRecord[] = []
  let changed = false
  let oldSnapshots = 0
  let oldAggregates = 0

  const aggregate = (t: number, session: string, model: string): HourAggregate => {
    const hour = hourOf(t)
    const key = `${hour}\n${session}\n${model}`
    let a = aggregates.get(key)
    if (a === undefined) {
      a = emptyAggregate(hour, session, model)
      aggregates.set(key, a)
      tools.set(a, new Map())
    }
    return a
  }
  const addTool = (a: HourAggregate, tool: string, n: number): void => {
    const m = tools.get(a)!
    m.set(tool, (m.get(tool) ?? 0) + n)
  }

  for (const r of records) {
    if (r.t < opts.dropBefore) {
      changed = true
      continue
    }
    if (r.kind === "hour") {
      oldAggregates++
      const a = aggregate(r.t, r.session, r.model)
      a.prompts += r.prompts
      a.calls += r.calls
      addTokens(a, r)
      for (const tool in r.mcp) addTool(a, tool, r.mcp[tool] ?? 0)
      continue
    }
    // Turns are kept whole (one line a turn): the turn figures and the learned multipliers read them for weeks.
    if (r.t >= opts.rollBefore || r.kind === "turn") {
      recent.push(r)
      continue
    }
    switch (r.kind) {
      case "prompt":
        changed = true
        aggregate(r.t, r.session, r.model).prompts++
        break
      case "call": {
        changed = true
        const a = aggregate(r.t, r.session, r.model)
        a.calls++
        addTokens(a, r)
        break
      }
      case "mcp":
        changed = true
        addTool(aggregate(r.t, r.session, ""), r.tool, 1)
        break
      case "snapshot": {
        // thinning old snapshots is a change only when there was more than one in an hour (counted below)
        oldSnapshots++
        const hour = hourOf(r.t)
        const kept = snapshots.get(hour)
        if (kept === undefined || r.t >= kept.t) snapshots.set(hour, r)
        break
      }
    }
  }
  // Merged aggregates (the same key twice) are a change too; lone aggregates pass through unchanged.
  if (oldAggregates > 0 && !changed && aggregates.size !== oldAggregates) changed = true

  const rolled = sortedAggregates(aggregates, tools)
  const kept = [...snapshots.values()].sort((a, b) => a.t - b.t)
  if (oldSnapshots !== kept.length) changed = true
  return { records: [...rolled, ...kept, ...recent], changed }
}
