// "apply" mode: which model a Coding Plan prompt goes to. Pure — the report, the providers' lists and what the session
// is known to run come in — so the OpenCode 1.x half (chat.message, apply-session.ts) and the 2.x half can share it.
//
// Verified in opencode 1.18.33 (test/e2e/FINDINGS.md §1): the TUI names a model with every prompt (the one it read at
// start, then the one of the session's last user message); `chat.message` rewriting `output.message.model` decides
// the model of that message, and the TUI's footer follows it. `cfg.model` set in the `config` hook is the default of
// prompts that name none (and what the TUI reads at its start).
import type { Config } from "@opencode-ai/plugin"
import { bareId } from "../core/plans/model-catalog.ts"
import { providerOf } from "../core/plans/providers.ts"
import type { Report } from "../core/report/report.ts"

export type ModelLists = Readonly<Record<string, readonly string[]>>

/** A model as a message carries it. */
export interface MessageModel {
  providerID: string
  modelID: string
}

export type ModelDecision =
  /** The message names a model other than the defaults: the user picked it, and the session is left alone. */
  | { kind: "user" }
  /** Nothing to decide: no reading or no list yet, or not a model of a Coding Plan provider that has a list. */
  | { kind: "none" }
  /** The recommendation is not on the provider's list: the message keeps its model (`why` says so, once). */
  | { kind: "kept"; why: string }
  /** The model this message should go to (possibly the one it carries). */
  | { kind: "use"; model: MessageModel; reason: string }

export interface DecideInput {
  /** The model the message carries. */
  model: MessageModel
  /**
   * "provider/id" of the models that mean "no choice made": the configured model, the one the TUI read at start, and
   * the ones the plugin set. A message on any other model was picked by the user.
   */
  defaults: ReadonlySet<string>
  report: Report | null
  lists: ModelLists | null
}

export const modelKey = (m: MessageModel): string => `${m.providerID}/${m.modelID}`

/** The model a message should go to in apply mode; see ModelDecision. */
export function decideModel(input: DecideInput): ModelDecision {
  const { model, report, lists } = input
  if (!input.defaults.has(modelKey(model))) return { kind: "user" }
  const listed = lists?.[model.providerID]
  if (listed === undefined || report === null) return { kind: "none" }
  const rec = report.recommendation
  const id = listed.find((x) => bareId(x) === bareId(rec.model))
  if (id === undefined)
    return {
      kind: "kept",
      why: `${model.providerID} does not list ${rec.model}, so the model stays ${modelKey(model)}`,
    }
  return { kind: "use", model: { providerID: model.providerID, modelID: id }, reason: rec.reason }
}

export type ApplyResult =
  { kind: "set"; model: string; line: string } | { kind: "kept"; why: string } | { kind: "none" }

/**
 * The default for prompts that name no model (and for the TUI at its start): changes cfg.model to the recommendation
 * when cfg.model is on a provider of `lists` that lists the recommended id.
 */
export function applyModel(cfg: Config, report: Report | null, lists: ModelLists | null): ApplyResult {
  const current = typeof cfg.model === "string" ? cfg.model : ""
  const provider = providerOf(current)
  if (provider === null) return { kind: "none" }
  const model = { providerID: provider, modelID: current.slice(provider.length + 1) }
  const d = decideModel({ model, defaults: new Set([current]), report, lists })
  if (d.kind === "kept") return d
  if (d.kind !== "use") return { kind: "none" }
  const next = modelKey(d.model)
  if (next === current) return { kind: "none" }
  cfg.model = next
  return { kind: "set", model: next, line: `model set to ${next}: ${d.reason}` }
}
