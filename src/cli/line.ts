// `glm-quota --line`: the status line. While the cache the CLI and the plugin share is fresh it is served from there
// without a request and without loading the API client; when it is stale or absent, one request like the report's
// (the same source, the same 8 s budget), and never the model list, the history or this machine's record. It never
// writes to stderr and never throws: with nothing to show it prints "glm ?" and exits 1.
import { DEFAULT_PEAK_SCHEDULE } from "../core/time/peak.ts"
import { buildReport, exitStatus } from "../core/report/report.ts"
import type { Env, QuotaSnapshot } from "../core/types.ts"
import { cacheDir, DEFAULT_FRESH_MS, SnapshotCache } from "../zai/cache.ts"
import { readModelList } from "../zai/model-list-file.ts"
import { locate } from "../quota/locate.ts"
import { redact } from "../zai/errors.ts"
import type { Options } from "./args.ts"
import { NOTHING, statusLine } from "./line-text.ts"
import { asciiBars, asciiLocale } from "./locale.ts"
import type { CliIo } from "./io.ts"

interface LineReading {
  snapshot: QuotaSnapshot
  stale: boolean
  /** The key's model list when one is known without a request; null: the dated catalog. */
  models: readonly string[] | null
  key: string
}

/**
 * The reading from the file cache while it is fresh (the SnapshotCache's own file and 60 s, peeked: no request);
 * "no_key" when there is no key at all; null when the cache is stale or absent.
 */
function warmReading(o: Options, env: Env, now: () => Date): LineReading | "no_key" | null {
  const { location } = locate({ env, region: o.region })
  if (location === null) return "no_key"
  const cache = new SnapshotCache({
    dir: location.dir,
    id: location.id("quota"),
    now,
    // Only peeked at here: a request goes through openSource on the cold path.
    load: () => Promise.reject(new Error("the status line's warm path makes no request")),
  })
  const known = cache.peek()
  if (known === null) return null
  const age = now().getTime() - known.savedAt
  if (age < 0 || age >= DEFAULT_FRESH_MS) return null
  const { key, region } = location.credentials
  const models = readModelList(location.dir, key, region, location.origin)?.ids ?? null
  return { snapshot: known.snapshot, stale: false, models, key }
}

/** One reading through the source the report uses (the request, the lease, the stale fallback); null when none. */
async function coldReading(o: Options, env: Env, io: CliIo, now: () => Date): Promise<LineReading | null> {
  const { connect } = await import("./connect.ts")
  const conn = await connect(o, env, io, now)
  try {
    if (!conn.source.ok) return null
    const { credentials, origin, quota } = conn.source.value
    const res = await quota.get({ force: o.noCache })
    if (!res.ok) return null
    let models: readonly string[] | null = null
    if (o.demo) {
      // The demo's list is made in memory, like its quota: the class the demo's report recommends.
      const { modelList } = await import("../zai/models.ts")
      const list = await modelList({ ...credentials, origin, fetch: conn.fetch, env, now, fileCache: false })
      models = list.ids
    } else if (!o.noCache)
      models = readModelList(cacheDir(env), credentials.key, credentials.region, origin)?.ids ?? null
    return { snapshot: res.value, stale: res.stale, models, key: credentials.key }
  } finally {
    await conn.close()
  }
}

/** The status line on stdout; resolves to the exit status (0 shown, 2 shown and a window used up, 1 "glm ?"). */
export async function runLine(o: Options, env: Env, io: CliIo, now: () => Date): Promise<number> {
  try {
    const warm = o.demo || o.noCache ? null : warmReading(o, env, now)
    const reading = warm === "no_key" ? null : (warm ?? (await coldReading(o, env, io, now)))
    if (reading === null) {
      io.stdout(NOTHING)
      return 1
    }
    const report = buildReport(reading.snapshot, {
      now: now(),
      stale: reading.stale,
      policy: o.policy,
      schedule: DEFAULT_PEAK_SCHEDULE,
      models: reading.models,
      modelCatalog: o.catalog,
      prefer: o.prefer,
    })
    const color = !("NO_COLOR" in env) && io.isTTY
    const text = statusLine(report, { now: now(), planLabel: reading.snapshot.planLabel, color })
    io.stdout(redact(asciiLocale(env) ? asciiBars(text) : text, reading.key))
    return exitStatus(report)
  } catch {
    io.stdout(NOTHING)
    return 1
  }
}

export { NOTHING }
