// The report run of `glm-quota`: one reading (with the key's model list beside it), printed for a terminal or as the
// JSON of the contract, with this machine's record. Loaded by run.ts only when a report is asked for.
import { DEFAULT_PEAK_SCHEDULE } from "../core/time/peak.ts"
import { buildReport, exitStatus, type Report } from "../core/report/report.ts"
import { renderJson } from "../core/render/render-json.ts"
import { renderTerminal } from "../core/render/render-terminal.ts"
import type { Env, QuotaSnapshot } from "../core/types.ts"
import type { LocalRecord } from "../core/record/records.ts"
import { modelList } from "../zai/models.ts"
import { takeCacheNotice } from "../zai/cache-notice.ts"
import { redact } from "../zai/errors.ts"
import { localTimeZone, timeZoneProblem } from "../quota/clock.ts"
import { asciiBars, asciiLocale } from "./locale.ts"
import { LocalStore, stateDir } from "../local/store.ts"
import type { Options } from "./args.ts"
import { connect } from "./connect.ts"
import type { CliIo } from "./io.ts"

/** The report on stdout: the JSON of the contract, or the terminal report (the key redacted, should a server echo it). */
function write(
  report: Report,
  snapshot: QuotaSnapshot,
  reason: string | null,
  w: { o: Options; env: Env; io: CliIo; now: Date; key: string },
): void {
  if (w.o.json) return w.io.stdout(renderJson(report))
  const text = renderTerminal(report, {
    now: w.now,
    localTimeZone: localTimeZone(w.env),
    planLabel: snapshot.planLabel,
    staleReason: reason,
    history: snapshot.usage ?? null,
    color: !("NO_COLOR" in w.env) && w.io.isTTY,
    width: w.io.columns,
  })
  const shown = redact(
    w.o.demo
      ? `${text}\n  (demo: the built-in Z.ai demo, a Pro plan mid-window)\n  Check your own set-up with glm-quota doctor.\n`
      : text,
    w.key,
  )
  w.io.stdout(asciiLocale(w.env) ? asciiBars(shown) : shown)
}

/** The report; resolves to the exit status (0 report, 2 report and a window used up, 1 no report). */
export async function runReport(o: Options, env: Env, io: CliIo, now: () => Date): Promise<number> {
  const fail = (message: string, key?: string): number => {
    io.stderr(`glm-quota: ${redact(message, key)}\n`)
    return 1
  }
  const conn = await connect(o, env, io, now)
  try {
    if (!conn.source.ok) return fail(conn.source.error.message)
    const { credentials, origin } = conn.source.value
    // The key's model list (cached for a day) is asked beside the quota, so it adds no wait.
    const listP = modelList({
      key: credentials.key,
      region: credentials.region,
      origin,
      fetch: conn.fetch,
      env,
      now,
      fileCache: !o.noCache && !o.demo,
      timeoutMs: 4000,
    })
    const [res, list] = await Promise.all([
      (o.history ? conn.source.value.history : conn.source.value.quota).get({ force: o.noCache }),
      listP,
    ])
    const notice = takeCacheNotice()
    if (notice !== null) io.stderr(`glm-quota: ${notice}\n`)
    if (!res.ok) return fail(res.error.message, credentials.key)
    const report = buildReport(res.value, {
      now: now(),
      stale: res.stale,
      policy: o.policy,
      schedule: DEFAULT_PEAK_SCHEDULE,
      local: o.demo ? undefined : localRecords(env, now, (w) => io.stderr(`glm-quota: this machine's record: ${w}\n`)),
      models: list.ids,
      modelCatalog: o.catalog,
      prefer: o.prefer,
      seat: o.seat,
    })
    write(report, res.value, res.error?.message ?? null, { o, env, io, now: now(), key: credentials.key })
    const tz = o.json ? null : timeZoneProblem(env)
    if (tz !== null) io.stderr(`glm-quota: ${tz}\n`)
    if (res.stale)
      io.stderr(`glm-quota: ${redact(res.error?.message ?? "showing the last good reading.", credentials.key)}\n`)
    return exitStatus(report)
  } finally {
    await conn.close()
  }
}

/**
 * This machine's record, written by the OpenCode plugin; null when there is none or it cannot be read. A damaged file
 * the store set aside is told once, on stderr (the report itself is unaffected).
 */
function localRecords(env: Env, now: () => Date, warn: (text: string) => void): readonly LocalRecord[] | null {
  try {
    const store = new LocalStore({ dir: stateDir(env), now })
    const r = store.read(now().getTime() - 31 * 86_400_000)
    store.close()
    for (const w of r.warnings) warn(w)
    return r.records
  } catch {
    return null
  }
}
