// OpenCode 2's opencode.db read as glm-quota reads it: a database the real 2.2.5 made while its background service ran
// (one key in the file, two in its -wal), SQLite's own b-trees with interior and overflow pages, a WAL that SQLite
// restarted over stale frames, and damage of every kind — never a throw, never a key in a message.
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { createHash } from "node:crypto"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { gunzipSync } from "node:zlib"
import fc from "fast-check"
import { keyFor, openCodeDbPath, readOpenCodeDb } from "../../src/zai/opencode-db.ts"
import { findKey } from "../../src/zai/credentials.ts"
import { parseColumns } from "../../src/zai/sqlite-schema.ts"
import { SqliteFile } from "../../src/zai/sqlite-file.ts"
import { ROOT, tempHome, type TempHome } from "../helpers.ts"

const FIX = join(ROOT, "test", "fixtures", "opencode2")
const fixture = (name: string): Buffer => gunzipSync(readFileSync(join(FIX, `${name}.gz`)))
/** The keys 2.2.5 stored (canaries): see test/e2e/FINDINGS.md "OpenCode 2". */
const OC2_ZAI_FIRST = "sk-canary.7f3c9a1e5b2d4068a9c1e3f5b7d90a2c"
const OC2_ZAI_ACTIVE = "sk-canary-second.abcdef0123456789abcdef"
const OC2_ZHIPU = "sk-canary-bigmodel.0123456789abcdef0123"

let home: TempHome
beforeEach(() => {
  home = tempHome("glmq-oc2db-")
})
afterEach(() => home.cleanup())

/** Writes `<name>.db` (and `-wal` when given) into the temp home; returns the db path. */
function place(db: Buffer, wal: Buffer | null, name = "opencode.db"): string {
  const path = join(home.dir, name)
  writeFileSync(path, db)
  if (wal !== null) writeFileSync(`${path}-wal`, wal)
  return path
}
const keysOf = (path: string) => {
  const r = readOpenCodeDb(path)
  if (!r.ok) throw new Error(r.reason)
  return r.keys
}

describe("opencode.db as OpenCode 2.2.5 writes it", () => {
  it("reads the committed WAL frames too: the second key and the BigModel key live only in -wal", () => {
    const path = place(fixture("running.db"), fixture("running.db-wal"))
    const keys = keysOf(path)
    expect(keys).toHaveLength(3)
    expect(keyFor(keys, "zai-coding-plan")).toBe(OC2_ZAI_ACTIVE) // the active row, not the first
    expect(keyFor(keys, "zhipuai-coding-plan")).toBe(OC2_ZHIPU)
    expect(keys.find((k) => k.key === OC2_ZAI_FIRST)).toMatchObject({ active: false })
  })

  it("without its -wal, the database file alone has only the first key", () => {
    const keys = keysOf(place(fixture("running.db"), null))
    expect(keys.map((k) => k.key)).toEqual([OC2_ZAI_FIRST])
  })

  it("a torn last frame (a write in progress): the committed rows before it", () => {
    const wal = fixture("running.db-wal")
    const keys = keysOf(place(fixture("running.db"), wal.subarray(0, wal.length - 100)))
    // The last transaction (the second zai key) is cut: 2.2.5's first key is still the active one then.
    expect(keyFor(keys, "zai-coding-plan")).toBe(OC2_ZAI_FIRST)
    expect(keyFor(keys, "zhipuai-coding-plan")).toBe(OC2_ZHIPU)
  })

  it("a frame whose checksum does not add up ends the log there", () => {
    const wal = Buffer.from(fixture("running.db-wal"))
    wal[wal.length - 10]! ^= 0xff
    expect(keyFor(keysOf(place(fixture("running.db"), wal)), "zai-coding-plan")).toBe(OC2_ZAI_FIRST)
  })
})

describe("which of an integration's keys", () => {
  it("the active one (after `opencode auth switch` an older row), else the newest", () => {
    const rows = [
      { integration: "zai-coding-plan", key: "old-but-active", active: true, updated: 1 },
      { integration: "zai-coding-plan", key: "newer", active: false, updated: 2 },
      { integration: "zhipuai-coding-plan", key: "a", active: false, updated: 5 },
      { integration: "zhipuai-coding-plan", key: "b", active: false, updated: 7 },
    ]
    expect(keyFor(rows, "zai-coding-plan")).toBe("old-but-active")
    expect(keyFor(rows, "zhipuai-coding-plan")).toBe("b")
    expect(keyFor(rows, "zai")).toBeNull()
  })
})

describe("SQLite's own files", () => {
  it("150 rows over interior pages and overflow chains (512-byte pages) read as SQLite reads them", () => {
    const path = place(fixture("synthetic.db"), null)
    const expected = JSON.parse(readFileSync(join(FIX, "synthetic.expected.json"), "utf8"))
    const r = readOpenCodeDb(path)
    expect(r.ok).toBe(true)
    const buf = readFileSync(path)
    const rows = new SqliteFile({ db: { read: (o, l) => buf.subarray(o, o + l), size: buf.length } }).readTable(
      "credential",
    )!
    const got = rows.map((row) => ({
      id: row.id,
      integration_id: row.integration_id,
      active: row.active,
      time_updated: row.time_updated,
      value_sha256: createHash("sha256")
        .update(row.value as string)
        .digest("hex"),
    }))
    expect(got).toEqual(expected)
    expect(Math.max(...rows.map((row) => (row.value as string).length))).toBeGreaterThan(2000)
  })

  it("a WAL restarted over stale frames: the frames after the salt change are not applied", () => {
    const path = place(fixture("walreset.db"), fixture("walreset.db-wal"))
    expect(keyFor(keysOf(path), "zai-coding-plan")).toBe("sk-canary-new.0123456789abcdef")
  })
})

describe("damage is a phrase, never a throw", () => {
  it("missing, not a database, cut short, a directory", () => {
    expect(readOpenCodeDb(join(home.dir, "none.db"))).toEqual({ ok: false, reason: "missing" })
    expect(readOpenCodeDb(place(Buffer.from("hello, not sqlite"), null))).toMatchObject({
      ok: false,
      reason: "damaged",
    })
    const db = fixture("synthetic.db")
    expect(readOpenCodeDb(place(db.subarray(0, 4096), null, "cut.db"))).toMatchObject({ ok: false, reason: "damaged" })
    mkdirSync(join(home.dir, "dir.db"))
    expect(readOpenCodeDb(join(home.dir, "dir.db"))).toMatchObject({ ok: false })
  })

  it("any bytes flipped anywhere in the file or its WAL: a result, never an exception", () => {
    const db = fixture("running.db")
    const wal = fixture("running.db-wal")
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }),
        (flips) => {
          const d = Buffer.from(db)
          const w = Buffer.from(wal)
          for (const [inWal, at, x] of flips) {
            const b = inWal ? w : d
            b[at % b.length]! ^= x
          }
          const r = readOpenCodeDb(place(d, w))
          expect(typeof r.ok).toBe("boolean")
          if (!r.ok) expect(JSON.stringify(r)).not.toMatch(/sk-canary/)
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe("the key search", () => {
  const dataDir = () => join(home.env.XDG_DATA_HOME!, "opencode")
  const placeInData = () => {
    mkdirSync(dataDir(), { recursive: true })
    writeFileSync(join(dataDir(), "opencode.db"), fixture("running.db"))
    writeFileSync(join(dataDir(), "opencode.db-wal"), fixture("running.db-wal"))
  }

  it("finds OpenCode 2's key after env and auth.json, naming opencode.db as the source", () => {
    placeInData()
    expect(openCodeDbPath(home.env, home.dir)).toBe(join(dataDir(), "opencode.db"))
    const found = findKey({ env: home.env, home: home.dir })
    expect(found.credentials).toEqual({
      key: OC2_ZAI_ACTIVE,
      region: "international",
      source: "OpenCode 2's opencode.db (zai-coding-plan)",
    })
    const china = findKey({ env: home.env, home: home.dir, region: "china" }).credentials
    expect(china).toMatchObject({
      key: OC2_ZHIPU,
      region: "china",
      source: "OpenCode 2's opencode.db (zhipuai-coding-plan)",
    })
    expect(
      findKey({ env: { ...home.env, ZAI_API_KEY: "env-key-0123456789abcdef" }, home: home.dir }).credentials,
    ).toMatchObject({
      source: "ZAI_API_KEY",
    })
    writeFileSync(
      join(dataDir(), "auth.json"),
      JSON.stringify({ "zai-coding-plan": { type: "api", key: "auth-json-key-0123456789" } }),
    )
    expect(findKey({ env: home.env, home: home.dir }).credentials).toMatchObject({
      source: "auth.json (zai-coding-plan)",
    })
  })

  it("a damaged opencode.db: no key and one phrase naming the file, not the key", () => {
    mkdirSync(dataDir(), { recursive: true })
    writeFileSync(join(dataDir(), "opencode.db"), "SQLite format 3\u0000 but then nothing")
    const found = findKey({ env: home.env, home: home.dir })
    expect(found.credentials).toBeNull()
    expect(found.problem).toBe(
      `OpenCode 2's key store ${join(dataDir(), "opencode.db")} could not be read (it is damaged or not an SQLite database)`,
    )
  })
})

describe("CREATE TABLE columns", () => {
  it("names columns, skips table constraints, knows the rowid alias", () => {
    expect(parseColumns("CREATE TABLE `credential` (\n `id` text PRIMARY KEY,\n `value` text NOT NULL\n)")).toEqual([
      { name: "id", rowid: false },
      { name: "value", rowid: false },
    ])
    expect(
      parseColumns('CREATE TABLE t ("a b" INTEGER PRIMARY KEY, c DECIMAL(10, 2), CONSTRAINT pk PRIMARY KEY(c), [d])'),
    ).toEqual([
      { name: "a b", rowid: true },
      { name: "c", rowid: false },
      { name: "d", rowid: false },
    ])
  })
})
