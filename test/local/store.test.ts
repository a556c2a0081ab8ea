// The record store on real files: append and read, days, damage, modes, the live view, compaction.
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { DAY_MS, HOUR_MS, MINUTE_MS, type LocalEvent, type LocalRecord } from "../../src/core/record/records.ts"
import { summarise } from "../../src/core/record/summary.ts"
import { PLAN_CATALOG } from "../../src/core/plans/plan-catalog.ts"
import { dayIndex, segmentName } from "../../src/local/segment.ts"
import { LocalStore, stateDir } from "../../src/local/store.ts"

const T0 = Date.parse("2026-03-02T12:00:00.000Z")
const TODAY = segmentName(dayIndex(T0))

let dir: string
let now: number
let store: LocalStore

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), "glmq-local-")), "state", "glm-quota")
  now = T0
  store = new LocalStore({ dir, now: () => new Date(now), rawMs: DAY_MS }) // these tests pin the roll-up age at a day
})

afterEach(() => {
  store.close()
  rmSync(join(dir, "..", ".."), { recursive: true, force: true })
})

const prompt = (t: number, session = "ses_a"): LocalEvent => ({ t, kind: "prompt", session, model: "glm-5" })
const call = (t: number, session = "ses_a", input = 100): LocalEvent => ({
  t,
  kind: "call",
  session,
  model: "glm-5",
  input,
  output: 20,
  cacheRead: 30,
  cacheWrite: 4,
})
const mcp = (t: number, tool = "search-prime", session = "ses_a"): LocalEvent => ({ t, kind: "mcp", session, tool })
const byT = (a: LocalRecord, b: LocalRecord) => a.t - b.t
const files = () => readdirSync(dir).sort()
const mode = (path: string) => statSync(path).mode & 0o777

describe("where the store lives", () => {
  it("is $XDG_STATE_HOME/glm-quota, else ~/.local/state/glm-quota", () => {
    expect(stateDir({ XDG_STATE_HOME: "/x/state" }, "/home/u")).toBe("/x/state/glm-quota")
    expect(stateDir({ XDG_STATE_HOME: "  " }, "/home/u")).toBe("/home/u/.local/state/glm-quota")
    expect(stateDir({}, "/home/u")).toBe("/home/u/.local/state/glm-quota")
  })
})

describe("append and read", () => {
  it("reads back every kind of event, in a 0600 file in a 0700 directory", () => {
    const events: LocalEvent[] = [
      prompt(T0 - 3000),
      call(T0 - 2000),
      mcp(T0 - 1000, "web-reader"),
      {
        t: T0,
        kind: "snapshot",
        fiveHour: 37,
        weekly: null,
        fiveHourResetsAt: "2026-03-02T14:00:00.000Z",
        weeklyResetsAt: null,
      },
    ]
    for (const e of events) expect(store.append(e)).toBe(true)
    const got = store.read(0)
    expect(got.records).toEqual(events)
    expect(got.warnings).toEqual([])
    expect(files()).toEqual([TODAY])
    expect(mode(dir)).toBe(0o700)
    expect(mode(join(dir, TODAY))).toBe(0o600)
  })

  it("tightens an existing directory and file to 0700 / 0600", () => {
    store.append(prompt(T0))
    store.close()
    chmodSync(dir, 0o755)
    chmodSync(join(dir, TODAY), 0o644)
    store.append(prompt(T0))
    expect(mode(dir)).toBe(0o700)
    expect(mode(join(dir, TODAY))).toBe(0o600)
  })

  it("writes no prompt text: only the fields of the event types reach the disk", () => {
    const leaky = { ...prompt(T0), text: "SECRET PROMPT TEXT", content: "SECRET" } as unknown as LocalEvent
    expect(store.append(leaky)).toBe(true)
    const disk = readFileSync(join(dir, TODAY), "utf8")
    expect(disk).not.toContain("SECRET")
    expect(disk).toBe(`["p",${T0},"ses_a","glm-5"]\n`)
    expect(store.read(0).records).toEqual([prompt(T0)])
  })

  it("keeps lines compact: a model call is one short line", () => {
    store.append({
      t: T0,
      kind: "call",
      session: "ses_6b9e5f1c2ffeOWGSBvGgGvTjJq",
      model: "glm-4.7",
      input: 51234,
      output: 512,
      cacheRead: 40960,
      cacheWrite: 1024,
    })
    expect(readFileSync(join(dir, TODAY)).length).toBeLessThanOrEqual(90)
  })

  it("refuses what it cannot write, without throwing", () => {
    expect(store.append({ ...prompt(T0), t: Number.NaN })).toBe(false)
    expect(store.append({ ...prompt(T0), t: -1 })).toBe(false)
    expect(store.append(prompt(T0 + DAY_MS + 1))).toBe(false)
    expect(store.append({ t: T0, kind: "nope" } as unknown as LocalEvent)).toBe(false)
    const blocked = join(dir, "..", "..", "blocked")
    writeFileSync(blocked, "a file where the directory should be")
    const bad = new LocalStore({ dir: join(blocked, "glm-quota"), now: () => new Date(now) })
    expect(bad.append(prompt(T0))).toBe(false)
    expect(bad.read(0)).toEqual({ records: [], warnings: [], skippedLines: 0 })
    expect(bad.compact()).toEqual({ rewritten: [], removed: [], busy: [], checkpointed: [], warnings: [] })
  })

  it("caps long ids so a line stays far under 4 KiB", () => {
    expect(store.append(prompt(T0, "s".repeat(10_000)))).toBe(true)
    const r = store.read(0).records[0]
    expect(r?.kind === "prompt" && r.session.length).toBe(200)
  })

  it("starts a new segment each UTC day and reads across them from day(since) on", () => {
    store.append(prompt(T0))
    now = T0 + DAY_MS
    store.append(prompt(now))
    // an event stamped ahead of the clock goes to its own (later) day
    store.append(prompt(now + 13 * HOUR_MS))
    expect(files()).toEqual([TODAY, segmentName(dayIndex(T0) + 1), segmentName(dayIndex(T0) + 2)])
    expect(store.read(0).records.sort(byT)).toEqual([
      prompt(T0),
      prompt(T0 + DAY_MS),
      prompt(T0 + DAY_MS + 13 * HOUR_MS),
    ])
    expect(store.read(T0 + 1).records.sort(byT)).toEqual([prompt(T0 + DAY_MS), prompt(T0 + DAY_MS + 13 * HOUR_MS)])
  })

  it("files a late event (stamped before today) in today's segment, where read(since) still finds it", () => {
    now = T0 + DAY_MS
    store.append(prompt(T0 + 11 * HOUR_MS)) // yesterday 23:00
    expect(files()).toEqual([segmentName(dayIndex(T0) + 1)])
    expect(store.read(T0).records).toEqual([prompt(T0 + 11 * HOUR_MS)])
    expect(store.read(T0 + 12 * HOUR_MS).records).toEqual([])
  })

  it("reopens when its file is removed underneath", () => {
    store.append(prompt(T0))
    rmSync(join(dir, TODAY))
    expect(store.append(prompt(T0 + 1))).toBe(true)
    expect(store.read(0).records).toEqual([prompt(T0 + 1)])
  })
})

describe("damage", () => {
  it("reads every whole line of a file truncated mid-line, and recovers the next line glued to the fragment", () => {
    for (let i = 0; i < 5; i++) store.append(call(T0 + i, "ses_a", i))
    const path = join(dir, TODAY)
    const size = statSync(path).size
    truncateSync(path, size - 7)
    const got = store.read(0)
    expect(got.records).toEqual([0, 1, 2, 3].map((i) => call(T0 + i, "ses_a", i)))
    expect(got.warnings).toEqual([])
    expect(got.skippedLines).toBe(0)
    // the next writer appends after the fragment: that line is still read whole
    const other = new LocalStore({ dir, now: () => new Date(now) })
    expect(other.append(prompt(T0 + 10))).toBe(true)
    other.close()
    const after = store.read(0)
    expect(after.records).toEqual([...[0, 1, 2, 3].map((i) => call(T0 + i, "ses_a", i)), prompt(T0 + 10)])
    expect(after.warnings).toEqual([])
  })

  it("skips a few bad lines without setting the file aside", () => {
    store.append(prompt(T0))
    appendFileSync(join(dir, TODAY), 'not json\n["p","bad t","x","y"]\n')
    store.append(prompt(T0 + 1))
    const got = store.read(0)
    expect(got.records).toEqual([prompt(T0), prompt(T0 + 1)])
    expect(got.skippedLines).toBe(2)
    expect(got.warnings).toEqual([])
    expect(files()).toEqual([TODAY])
  })

  it("sets a file with NUL bytes aside with a warning, keeps its whole records, and recording carries on", () => {
    store.append(prompt(T0))
    store.append(call(T0 + 1))
    // e.g. a crash after the size was extended but before the data reached the disk
    appendFileSync(join(dir, TODAY), Buffer.alloc(300))
    const got = store.read(0)
    expect(got.warnings).toHaveLength(1)
    expect(got.warnings[0]).toMatch(
      new RegExp(
        `${TODAY.replaceAll(".", "\\.")} was damaged \\(it holds NUL bytes\\): it was set aside as ${TODAY.replaceAll(".", "\\.")}\\.corrupt-${T0}, 2 whole records were kept`,
      ),
    )
    expect(got.records).toEqual([prompt(T0), call(T0 + 1)])
    expect(files()).toEqual([TODAY, `${TODAY}.corrupt-${T0}`])
    expect(mode(join(dir, TODAY))).toBe(0o600)
    // this store's open fd pointed at the file now set aside: it notices and writes to the fresh one
    expect(store.append(prompt(T0 + 2))).toBe(true)
    const again = store.read(0)
    expect(again.records).toEqual([prompt(T0), call(T0 + 1), prompt(T0 + 2)])
    expect(again.warnings).toEqual([])
  })

  it("sets aside binary junk and mostly unreadable files", () => {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    writeFileSync(join(dir, TODAY), "garbage\n{}\n[1,2]\n" + `["p",${T0},"s","m"]\n`, { mode: 0o600 })
    const got = store.read(0)
    expect(got.warnings[0]).toMatch(/3 of 4 lines are unreadable/)
    expect(got.records).toEqual([{ t: T0, kind: "prompt", session: "s", model: "m" }])

    const tomorrow = segmentName(dayIndex(T0) + 1)
    writeFileSync(join(dir, tomorrow), Buffer.from(Array.from({ length: 5000 }, (_, i) => 33 + ((i * 7) % 90))))
    const junk = store.read(0)
    expect(junk.warnings[0]).toMatch(/more than 4 KiB without a line break/)
    expect(files().filter((f) => f.includes(".corrupt-"))).toHaveLength(2)
    expect(store.append(prompt(T0 + 5))).toBe(true)
    expect(store.read(0).records).toHaveLength(2)
  })
})

describe("the live view", () => {
  it("loads once, then picks up only the bytes appended since, by any process", () => {
    store.append(prompt(T0))
    store.append(call(T0 + 1))
    const live = store.live()
    expect(live.read(0).records).toEqual([prompt(T0), call(T0 + 1)])

    // proof it does not re-read: damage the bytes it already read, in place (same size, same inode)
    const path = join(dir, TODAY)
    const fd = openSync(path, "r+")
    writeSync(fd, "X", 2)
    closeSync(fd)

    const other = new LocalStore({ dir, now: () => new Date(now) })
    other.append(mcp(T0 + 2))
    expect(live.read(0).records).toEqual([prompt(T0), call(T0 + 1), mcp(T0 + 2)])
    expect(live.read(T0 + 1).records).toEqual([call(T0 + 1), mcp(T0 + 2)])

    // a line being written (no newline yet) waits until it is whole
    appendFileSync(path, `["p",${T0 + 3},"ses_b",`)
    expect(live.read(0).records).toHaveLength(3)
    appendFileSync(path, `"glm-5"]\n`)
    expect(live.read(0).records).toEqual([prompt(T0), call(T0 + 1), mcp(T0 + 2), prompt(T0 + 3, "ses_b")])
    other.close()
  })

  it("reloads a segment that was replaced (compacted or set aside) and follows the days", () => {
    store.append(prompt(T0))
    const live = store.live()
    expect(live.read(0).records).toHaveLength(1)
    appendFileSync(join(dir, TODAY), Buffer.alloc(10))
    store.append(prompt(T0 + 1))
    const got = live.read(0)
    expect(got.warnings).toHaveLength(1)
    // the line written after the NUL bytes is recovered whole too
    expect(got.records).toEqual([prompt(T0), prompt(T0 + 1)])
    store.append(prompt(T0 + 2))
    expect(live.read(0).records).toEqual([prompt(T0), prompt(T0 + 1), prompt(T0 + 2)])

    now = T0 + 2 * DAY_MS
    store.append(prompt(now))
    expect(live.read(now - HOUR_MS).records).toEqual([prompt(now)])
    expect(live.read(0).records).toHaveLength(4)
  })
})

describe("the live view against reading afresh", () => {
  it("answers like store.read through appends by two processes, day changes, compaction, damage and a moving since", () => {
    const other = new LocalStore({ dir, now: () => new Date(now) })
    const live = store.live()
    const sorted = (records: readonly LocalRecord[]) =>
      [...records].sort((a, b) => a.t - b.t || JSON.stringify(a).localeCompare(JSON.stringify(b)))
    let seed = 42
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    now = Date.parse("2026-03-01T00:00:00.000Z")
    for (let step = 0; step < 400; step++) {
      now += Math.floor(rand() * 40 * MINUTE_MS)
      const writer = rand() < 0.5 ? store : other
      const late = rand() < 0.1 ? Math.floor(rand() * 3 * HOUR_MS) : 0
      const kind = rand()
      if (kind < 0.2) writer.append(prompt(now - late, `ses_${step % 3}`))
      else if (kind < 0.8) writer.append(call(now - late, `ses_${step % 3}`, step))
      else writer.append(mcp(now - late, step % 2 === 0 ? "zread" : "web-reader"))
      if (step % 37 === 0) store.compact()
      if (step === 200) appendFileSync(join(dir, segmentName(dayIndex(now))), Buffer.alloc(4))
      const back = [5 * HOUR_MS, DAY_MS, 30 * DAY_MS, 2 * HOUR_MS][step % 4]!
      const since = now - back
      const got = live.read(since)
      expect(sorted(got.records)).toEqual(sorted(store.read(since).records))
    }
    other.close()
  })
})

describe("compaction", () => {
  /** Three busy days: a prompt, 3 calls and an MCP call every 10 minutes, a snapshot every 5 minutes. */
  function fill(from: number, to: number): void {
    for (let t = from; t < to; t += 5 * MINUTE_MS) {
      now = t
      store.append({
        t,
        kind: "snapshot",
        fiveHour: (t / MINUTE_MS) % 100,
        weekly: 10,
        fiveHourResetsAt: null,
        weeklyResetsAt: null,
      })
      if ((t / MINUTE_MS) % 10 !== 0) continue
      const session = `ses_${Math.floor(t / (6 * HOUR_MS))}`
      store.append(prompt(t, session))
      for (let i = 1; i <= 3; i++) store.append(call(t + i * 1000, session, 1000 * i))
      store.append(mcp(t + 4000, t % (20 * MINUTE_MS) === 0 ? "zread" : "search-prime", session))
    }
  }

  it("rolls closed days older than a day into hourly aggregates, keeps the totals, and leaves today alone", () => {
    fill(Date.parse("2026-03-01T00:00:00.000Z"), Date.parse("2026-03-03T15:00:00.000Z"))
    now = Date.parse("2026-03-03T15:00:00.000Z")
    const before = store.read(0).records
    const todayName = segmentName(dayIndex(now))
    const todayBytes = readFileSync(join(dir, todayName))
    const sizeBefore = store.diskUsage().bytes

    const result = store.compact()
    expect(result.rewritten).toEqual(["events-2026-03-01.jsonl", "events-2026-03-02.jsonl"])
    expect(result.removed).toEqual([])
    expect(readFileSync(join(dir, todayName))).toEqual(todayBytes)
    expect(store.diskUsage().bytes).toBeLessThan(sizeBefore / 2)
    for (const f of files()) expect(mode(join(dir, f))).toBe(0o600)

    const after = store.read(0).records
    const cutoff = Date.parse("2026-03-02T15:00:00.000Z")
    expect(after.some((r) => r.kind === "hour")).toBe(true)
    expect(after.filter((r) => r.kind !== "hour" && r.kind !== "snapshot" && r.t < cutoff)).toEqual([])
    // the last day stays raw
    expect(after.filter((r) => r.t >= cutoff).sort(byT)).toEqual(before.filter((r) => r.t >= cutoff).sort(byT))
    // one snapshot per hour survives for older hours
    expect(after.filter((r) => r.kind === "snapshot" && r.t < cutoff)).toHaveLength(39)

    const s = (records: LocalRecord[]) => summarise({ records, now: new Date(now), plan: "max", catalog: PLAN_CATALOG })
    const a = s(before)
    const b = s(after)
    expect(b.mcp30d).toEqual(a.mcp30d)
    expect(b.prompts).toBe(a.prompts)
    expect(b.calls).toBe(a.calls)
    expect(b.sessions).toEqual(a.sessions)
    const totals = (records: LocalRecord[]) => {
      const sumOf = { prompts: 0, calls: 0, input: 0, mcp: 0 }
      for (const r of records) {
        if (r.kind === "prompt") sumOf.prompts++
        if (r.kind === "call") (sumOf.calls++, (sumOf.input += r.input))
        if (r.kind === "mcp") sumOf.mcp++
        if (r.kind === "hour") {
          sumOf.prompts += r.prompts
          sumOf.calls += r.calls
          sumOf.input += r.input
          sumOf.mcp += Object.values(r.mcp).reduce((x, y) => x + y, 0)
        }
      }
      return sumOf
    }
    expect(totals(after)).toEqual(totals(before))

    // a second run finds nothing to do
    expect(store.compact()).toEqual({ rewritten: [], removed: [], busy: [], checkpointed: [], warnings: [] })
    expect(store.read(0).records.sort(byT)).toEqual(after.sort(byT))

    // an hour later the next hour of yesterday is due (this process remembers what it saw, and must not skip it)
    now += HOUR_MS
    expect(store.compact().rewritten).toEqual(["events-2026-03-02.jsonl"])
    expect(store.read(0).records.filter((r) => r.kind === "call" && r.t < cutoff + HOUR_MS)).toEqual([])
    expect(store.compact().rewritten).toEqual([])
    // another process (no memory) agrees there is nothing to do
    expect(new LocalStore({ dir, now: () => new Date(now), rawMs: DAY_MS }).compact().rewritten).toEqual([])
  })

  it("does not touch yesterday within the grace hour after midnight", () => {
    fill(Date.parse("2026-03-01T00:00:00.000Z"), Date.parse("2026-03-02T00:00:00.000Z"))
    now = Date.parse("2026-03-02T00:59:59.999Z")
    expect(store.compact().rewritten).toEqual([])
    now = Date.parse("2026-03-02T01:00:00.000Z")
    expect(store.compact().rewritten).toEqual(["events-2026-03-01.jsonl"])
  })

  it("drops what is past 35 days, old corrupt files and stale temp files", () => {
    const old = Date.parse("2026-01-20T10:00:00.000Z")
    const kept = Date.parse("2026-02-25T10:00:00.000Z")
    const final = Date.parse("2026-02-26T10:00:00.000Z")
    now = old
    store.append(prompt(old))
    now = kept
    store.append(prompt(kept))
    writeFileSync(join(dir, `events-2026-01-20.jsonl.corrupt-${old}`), "x")
    writeFileSync(join(dir, `events-2026-02-20.jsonl.corrupt-${old + 31 * DAY_MS}`), "x")
    writeFileSync(join(dir, `.events-2026-02-24.jsonl.123.${final - 2 * HOUR_MS}.abcd0123.tmp`), "x")
    writeFileSync(join(dir, `.events-2026-02-24.jsonl.123.${final - MINUTE_MS}.abcd0123.tmp`), "x")
    now = final
    const result = store.compact()
    expect(result.removed.sort()).toEqual(
      [
        `.events-2026-02-24.jsonl.123.${final - 2 * HOUR_MS}.abcd0123.tmp`,
        "events-2026-01-20.jsonl",
        `events-2026-01-20.jsonl.corrupt-${old}`,
      ].sort(),
    )
    expect(files()).toHaveLength(3)
    expect(store.read(0).records).toEqual([prompt(kept)])
  })

  it("sets a corrupt closed segment aside while compacting", () => {
    now = T0 - 2 * DAY_MS
    store.append(prompt(now))
    appendFileSync(join(dir, segmentName(dayIndex(now))), Buffer.alloc(8))
    now = T0
    const result = store.compact()
    expect(result.warnings).toHaveLength(1)
    expect(result.rewritten).toEqual([segmentName(dayIndex(T0 - 2 * DAY_MS))])
    expect(store.read(0).records).toEqual([
      {
        t: Math.floor((T0 - 2 * DAY_MS) / HOUR_MS) * HOUR_MS,
        kind: "hour",
        session: "ses_a",
        model: "glm-5",
        prompts: 1,
        calls: 0,
        input: 0,
        output: 0,
        cacheRead: 0,
        cacheWrite: 0,
        mcp: {},
      },
    ])
  })
})
