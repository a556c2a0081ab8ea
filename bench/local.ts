// Benchmarks of the local record store and the 5-hour query. Run: npx tsx bench/local.ts
//
// 1. Recording one event: LocalStore.append (median µs; target < 50 µs), against one fs.appendFileSync of the
//    same line and against a no-op (the timer's own cost).
// 2. The 5-hour query over 50,000 events: a long-running process's LiveView picking up what another process appended,
//    then the summary and the runway (median ms; target < 5 ms), against reading the files afresh each time.
// 3. 30 days of heavy use at Max-plan pace written through the store and compacted as it goes: the size on disk
//    (target < 5 MB), against the raw lines the same events take without compaction.
import { appendFileSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { pathToFileURL } from "node:url"
import { HOUR_MS, MINUTE_MS, type LocalEvent } from "../src/core/record/records.ts"
import { runway } from "../src/core/record/runway.ts"
import { MCP_LOOKBACK_MS, summarise } from "../src/core/record/summary.ts"
import { PLAN_CATALOG } from "../src/core/plans/plan-catalog.ts"
import { encodeEvent } from "../src/local/codec.ts"
import { LocalStore } from "../src/local/store.ts"

export interface Row {
  name: string
  value: string
  baseline?: string
  ratio?: string
  note?: string
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? 0
}

/** Each call of `f` timed alone, in µs. */
function samples(n: number, f: () => void): number[] {
  const out: number[] = new Array<number>(n)
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint()
    f()
    out[i] = Number(process.hrtime.bigint() - start) / 1000
  }
  return out
}

const us = (x: number): string => `${x.toFixed(x < 1 ? 2 : 1)} µs`
const ms = (x: number): string => `${x.toFixed(2)} ms`
const mb = (bytes: number): string => `${(bytes / 1_000_000).toFixed(2)} MB`

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
/** An OpenCode-shaped session id: "ses_" and 26 characters. */
function sessionId(rand: () => number): string {
  let s = "ses_"
  for (let i = 0; i < 26; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)]
  return s
}

const TOOLS = ["search-prime", "web-reader", "search-prime", "zread", "vision"]

function callEvent(t: number, session: string, model: string, rand: () => number): LocalEvent {
  return {
    t,
    kind: "call",
    session,
    model,
    input: 2_000 + Math.floor(rand() * 60_000),
    output: 50 + Math.floor(rand() * 3_000),
    cacheRead: Math.floor(rand() * 120_000),
    cacheWrite: Math.floor(rand() * 6_000),
  }
}

function scratch(prefix: string): { dir: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix))
  return { dir: join(root, "glm-quota"), done: () => rmSync(root, { recursive: true, force: true }) }
}

function benchAppend(): Row {
  const { dir, done } = scratch("glmq-bench-append-")
  const t0 = Date.parse("2026-03-02T12:00:00.000Z")
  const store = new LocalStore({ dir, now: () => new Date(t0) })
  const event: LocalEvent = {
    t: t0,
    kind: "call",
    session: "ses_6b9e5f1c2ffeOWGSBvGgGvTjJq",
    model: "glm-4.7",
    input: 51234,
    output: 512,
    cacheRead: 40960,
    cacheWrite: 1024,
  }
  const line = encodeEvent(event)!
  const plain = join(dir, "baseline.jsonl")
  const n = 20_000
  samples(2_000, () => store.append(event))
  samples(2_000, () => appendFileSync(plain, line))
  const append = median(samples(n, () => store.append(event)))
  const baseline = median(samples(n, () => appendFileSync(plain, line)))
  const noop = median(samples(n, () => {}))
  store.close()
  done()
  return {
    name: "local: record one event",
    value: us(append),
    baseline: `appendFileSync ${us(baseline)} · no-op ${us(noop)}`,
    ratio: `${(append / baseline).toFixed(2)}× appendFileSync`,
    note: `median of ${n.toLocaleString("en-US")}; target < 50 µs. One write(2) on a kept O_APPEND fd plus one stat that notices a renamed or removed file; ${Buffer.byteLength(line)}-byte line`,
  }
}

function benchQuery(): Row {
  const { dir, done } = scratch("glmq-bench-query-")
  const now = Date.parse("2026-03-02T18:00:00.000Z")
  let clock = now
  const store = new LocalStore({ dir, now: () => new Date(clock) })
  const rand = prng(7)
  const sessions = Array.from({ length: 8 }, () => sessionId(rand))
  // 50,000 events over the last 6 hours at Max-plan pace: each prompt with 17 calls, an MCP call every 18 prompts,
  // a snapshot each minute.
  const events: LocalEvent[] = []
  const start = now - 6 * HOUR_MS
  for (let m = 0; m <= 360; m++) {
    events.push({
      t: start + m * MINUTE_MS,
      kind: "snapshot",
      fiveHour: Math.min(100, m / 4),
      weekly: 40 + m / 60,
      fiveHourResetsAt: new Date(now + HOUR_MS).toISOString(),
      weeklyResetsAt: "2026-03-06T01:00:00.000Z",
    })
  }
  for (let k = 0; events.length < 50_000; k++) {
    const t = start + k * 7_500
    const session = sessions[k % sessions.length]!
    const model = k % 3 === 0 ? "glm-4.7" : "glm-5"
    events.push({ t, kind: "prompt", session, model })
    for (let j = 1; j <= 17 && events.length < 50_000; j++) events.push(callEvent(t + j * 400, session, model, rand))
    if (k % 18 === 0 && events.length < 50_000)
      events.push({ t: t + 100, kind: "mcp", session, tool: TOOLS[k % TOOLS.length]! })
  }
  events.sort((a, b) => a.t - b.t)
  for (const e of events) store.append(e)
  store.close()

  const other = new LocalStore({ dir, now: () => new Date(clock) })
  const live = store.live()
  const query = (records: ReturnType<typeof live.read>["records"]) => {
    const summary = summarise({ records, now: new Date(clock), plan: "max", catalog: PLAN_CATALOG })
    const r = runway({
      window: "five_hour",
      usedPercent: 90,
      resetsAt: new Date(now + HOUR_MS).toISOString(),
      records,
      now: new Date(clock),
    })
    return summary.prompts + (r.state === "runs_out" ? 1 : 0)
  }
  const coldStart = process.hrtime.bigint()
  let check = query(live.read(clock - MCP_LOOKBACK_MS).records)
  const cold = Number(process.hrtime.bigint() - coldStart) / 1e6
  const warm: number[] = []
  for (let i = 0; i < 300; i++) {
    // another process records a call between two queries: the live view reads only that line
    clock += 1_000
    other.append(callEvent(clock, sessions[0]!, "glm-5", rand))
    const t0 = process.hrtime.bigint()
    check += query(live.read(clock - MCP_LOOKBACK_MS).records)
    warm.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  const fresh: number[] = []
  for (let i = 0; i < 15; i++) {
    const t0 = process.hrtime.bigint()
    check += query(store.read(clock - MCP_LOOKBACK_MS).records)
    fresh.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  other.close()
  done()
  const value = median(warm)
  const baseline = median(fresh)
  return {
    name: "local: 5-hour query over 50,000 events",
    value: ms(value),
    baseline: `reading the files afresh ${ms(baseline)}`,
    ratio: `${(baseline / value).toFixed(1)}× faster`,
    note: `median of 300 (live view picking up another process's append, then summary + runway); first load ${ms(cold)}; target < 5 ms${check > 0 ? "" : " (no prompts counted?)"}`,
  }
}

/** Heavy use, every day for 30 days, as the store sees it. */
export const HEAVY = {
  /** UTC hours of heavy use each day: one full 5-hour window at Max-plan pace. */
  fromHour: 9,
  toHour: 14,
  promptsPerHour: 480, // 2,400 prompts per 5 h
  callsPerPrompt: 17,
  parallelSessions: 8, // new session ids every hour (more aggregate lines than real sessions would make)
  mcpEveryPrompts: 18, // ~133 a day, ~4,000 a month: the Max plan's MCP allowance
  snapshotEveryMinutesBusy: 1,
  snapshotEveryMinutesIdle: 10,
  compactEveryHours: 1,
}

/**
 * The 30 days on disk; `withRecord`, when given, is handed the record (the XDG_STATE_HOME holding it, and the instant
 * it ends) before it is removed, for a row of its own (bench/run.ts: the CLI's report over it).
 */
async function benchThirtyDays(withRecord?: (stateHome: string, endMs: number) => Promise<Row>): Promise<Row[]> {
  const { dir, done } = scratch("glmq-bench-30d-")
  const first = Date.parse("2026-03-01T00:00:00.000Z")
  let clock = first
  const store = new LocalStore({ dir, now: () => new Date(clock) })
  const rand = prng(30)
  let rawBytes = 0
  let events = 0
  let peak = 0
  let compactMs = 0
  let compactions = 0
  let promptIndex = 0
  const record = (e: LocalEvent): void => {
    clock = Math.max(clock, e.t)
    if (!store.append(e)) throw new Error("append failed")
    events++
  }
  const started = process.hrtime.bigint()
  for (let hour = 0; hour < 30 * 24; hour++) {
    const hourStart = first + hour * HOUR_MS
    const hourOfDay = hour % 24
    const busy = hourOfDay >= HEAVY.fromHour && hourOfDay < HEAVY.toHour
    const batch: LocalEvent[] = []
    const every = busy ? HEAVY.snapshotEveryMinutesBusy : HEAVY.snapshotEveryMinutesIdle
    for (let m = 0; m < 60; m += every) {
      batch.push({
        t: hourStart + m * MINUTE_MS,
        kind: "snapshot",
        fiveHour: busy ? Math.min(100, (hourOfDay - HEAVY.fromHour) * 20 + m / 3) : 0,
        weekly: 30 + (hour % 168) / 4,
        fiveHourResetsAt: new Date(hourStart + 5 * HOUR_MS).toISOString(),
        weeklyResetsAt: "2026-03-06T01:00:00.000Z",
      })
    }
    if (busy) {
      const sessions = Array.from({ length: HEAVY.parallelSessions }, () => sessionId(rand))
      const gap = HOUR_MS / HEAVY.promptsPerHour
      for (let k = 0; k < HEAVY.promptsPerHour; k++) {
        const t = hourStart + Math.floor(k * gap)
        const session = sessions[k % sessions.length]!
        const model = promptIndex % 3 === 0 ? "glm-4.7" : "glm-5"
        batch.push({ t, kind: "prompt", session, model })
        for (let j = 1; j <= HEAVY.callsPerPrompt; j++) batch.push(callEvent(t + j * 400, session, model, rand))
        if (promptIndex % HEAVY.mcpEveryPrompts === 0)
          batch.push({ t: t + 100, kind: "mcp", session, tool: TOOLS[promptIndex % TOOLS.length]! })
        promptIndex++
      }
    }
    batch.sort((a, b) => a.t - b.t)
    // compaction never touches the segment being appended to: what the disk grows by is the raw lines
    const before = store.diskUsage().bytes
    for (const e of batch) record(e)
    rawBytes += store.diskUsage().bytes - before
    clock = hourStart + HOUR_MS - 1
    if ((hourOfDay + 1) % HEAVY.compactEveryHours === 0) {
      peak = Math.max(peak, store.diskUsage().bytes)
      const t0 = process.hrtime.bigint()
      store.compact()
      compactMs += Number(process.hrtime.bigint() - t0) / 1e6
      compactions++
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  store.close()
  const size = store.diskUsage()
  const check = summarise({
    records: store.read(clock - MCP_LOOKBACK_MS).records,
    now: new Date(clock),
    plan: "max",
    catalog: PLAN_CATALOG,
  })
  const extra = withRecord ? await withRecord(dirname(dir), clock) : null
  done()
  const busyHours = HEAVY.toHour - HEAVY.fromHour
  const row: Row = {
    name: "local: 30 days at Max-plan pace on disk",
    value: mb(size.bytes),
    baseline: `raw lines ${mb(rawBytes)}`,
    ratio: `${(rawBytes / size.bytes).toFixed(0)}× smaller`,
    note:
      `${(HEAVY.promptsPerHour * busyHours).toLocaleString("en-US")} prompts a day (2,400 per 5 h, ${busyHours} h a day, ${HEAVY.fromHour}:00–${HEAVY.toHour}:00 UTC), ${HEAVY.callsPerPrompt} calls per prompt, ` +
      `${HEAVY.parallelSessions} parallel sessions renewed hourly, an MCP call every ${HEAVY.mcpEveryPrompts} prompts, snapshots each minute while busy; ` +
      `${events.toLocaleString("en-US")} events appended in ${seconds.toFixed(1)} s, compacted every ${HEAVY.compactEveryHours} h (${compactions} runs, ${(compactMs / compactions).toFixed(0)} ms each); ` +
      `peak just before an hourly compaction ${mb(peak)} (today's busy hours plus yesterday's last hour or two, not yet a day old, still raw); ${size.files} files; 30-day MCP calls still counted: ${check.mcp30dTotal.toLocaleString("en-US")}; target < 5 MB`,
  }
  return extra === null ? [row] : [row, extra]
}

export async function runLocalBench(withRecord?: (stateHome: string, endMs: number) => Promise<Row>): Promise<Row[]> {
  return [benchAppend(), benchQuery(), ...(await benchThirtyDays(withRecord))]
}

function print(rows: Row[]): void {
  for (const r of rows) {
    const parts = [`${r.name}: ${r.value}`]
    if (r.baseline) parts.push(`baseline ${r.baseline}`)
    if (r.ratio) parts.push(r.ratio)
    process.stdout.write(parts.join(" | ") + "\n")
    if (r.note) process.stdout.write(`  ${r.note}\n`)
  }
}

const main = process.argv[1] === undefined ? "" : pathToFileURL(process.argv[1]).href
if (import.meta.url === main) {
  print(await runLocalBench())
}
