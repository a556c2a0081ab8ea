// Paths and small utilities shared by the e2e modules (mock-model.ts, isolation.ts, opencode.ts, tmux.ts) and tests.

import { stat } from "node:fs/promises"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..")
export const FIXTURES_DIR = join(REPO_ROOT, "test/e2e/fixtures")

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
export type Obj = Record<string, unknown>

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** Rejects with `message` after `ms`. */
export async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (timed out after ${ms} ms)`)), ms)
  })
  try {
    return await Promise.race([p, t])
  } finally {
    clearTimeout(timer)
  }
}

export function isPlainObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v)
}

/** Deep merge: objects merge key by key, everything else (arrays included) replaces. */
export function deepMerge<T extends Obj>(base: T, extra: Obj | undefined): T {
  if (!extra) return base
  const out: Obj = { ...base }
  for (const [k, v] of Object.entries(extra)) {
    const cur = out[k]
    out[k] = isPlainObject(cur) && isPlainObject(v) ? deepMerge(cur, v) : v
  }
  return out as T
}

/** True when the path exists. */
export async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  )
}

/** Anything a test starts and must end: an OpenCode server or TUI (`stop`), a mock model or simulator (`close`). */
export type Stoppable = { stop(): Promise<unknown> } | { close(): Promise<unknown> }

/**
 * Ends each of `things` in the order given (start order reversed, as a rule), skipping the ones never started:
 * `afterAll(() => stopAll(oc, mock, sim))`. Every one is tried even when an earlier one throws; the first error is rethrown.
 */
export async function stopAll(...things: (Stoppable | undefined)[]): Promise<void> {
  let first: unknown
  let failed = false
  for (const t of things) {
    if (!t) continue
    try {
      await ("stop" in t ? t.stop() : t.close())
    } catch (e) {
      if (!failed) first = e
      failed = true
    }
  }
  if (failed) throw first
}
