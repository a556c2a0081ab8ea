// "apply" mode: set the recommended model on the Z.ai / BigModel coding-plan provider the user's model is on — only an
// id that provider lists, from the last known plan and quota (cached on disk: start-up never waits on the network).
//
// Verified in opencode 1.18.33 (test/e2e/FINDINGS.md §1): `cfg.model` set in the `config` hook is the model of every
// prompt that names none, and setting it again later on the same object takes effect for the next prompt on the
// server. A model the user picks in the TUI wins over it, as it should.
import type { Config } from "@opencode-ai/plugin"
import { bareId } from "../core/catalog.ts"
import { providerOf } from "../core/providers.ts"
import type { Report } from "../core/types.ts"

export type ApplyResult =
  { kind: "set"; model: string; line: string } | { kind: "kept"; why: string } | { kind: "none" }

/**
 * Changes cfg.model to the recommendation when cfg.model is on a provider of `lists` and that provider lists the
 * recommended id. "kept" says why nothing was set when something should have been (once is enough: the caller keeps
 * the why); "none" when there is nothing to do (no report yet, not a Coding Plan model, already the right one).
 */
export function applyModel(
  cfg: Config,
  report: Report | null,
  lists: Readonly<Record<string, readonly string[]>> | null,
): ApplyResult {
  const current = typeof cfg.model === "string" ? cfg.model : ""
  const provider = providerOf(current)
  if (provider === null || lists === null || lists[provider] === undefined || report === null) return { kind: "none" }
  const model = report.recommendation.model
  const listed = lists[provider]!.find((id) => bareId(id) === bareId(model))
  if (listed === undefined)
    return { kind: "kept", why: `${provider} does not list ${model}, so the model stays ${current}` }
  const next = `${provider}/${listed}`
  if (next === current) return { kind: "none" }
  cfg.model = next
  return { kind: "set", model: next, line: `model set to ${next}: ${report.recommendation.reason}` }
}
