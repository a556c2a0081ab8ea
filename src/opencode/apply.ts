// "apply" mode: set GLM-4.7 or GLM-5 as the model of the Z.ai / BigModel coding-plan provider, from the last known
// plan and quota (cached on disk: start-up never waits on the network).
//
// Verified in opencode 1.18.33 (test/e2e/FINDINGS.md §1): `cfg.model` set in the `config` hook is the model of every
// prompt that names none, and setting it again later on the same object takes effect for the next prompt on the
// server. A model the user picks in the TUI wins over it, as it should.
import type { Config } from "@opencode-ai/plugin"
import type { ModelId, PlanId, Report } from "../core/types.ts"

export const CODING_PLAN_PROVIDERS = ["zai-coding-plan", "zhipuai-coding-plan"]

/** The model to apply: the recommendation when the quota is known, GLM-4.7 on a plan known to lack GLM-5, else none. */
export function modelToApply(report: Report | null, plan: PlanId | null): ModelId | null {
  if (report !== null) return report.recommendation.model
  return plan === "lite" ? "glm-4.7" : null
}

/** Changes cfg.model when it points at a coding-plan provider; returns a line for the log, or null. */
export function applyModel(cfg: Config, report: Report | null, plan: PlanId | null): string | null {
  const current = typeof cfg.model === "string" ? cfg.model : ""
  const slash = current.indexOf("/")
  if (slash < 0) return null
  const provider = current.slice(0, slash)
  if (!CODING_PLAN_PROVIDERS.includes(provider)) return null
  const model = modelToApply(report, plan)
  if (model === null) return null
  const next = `${provider}/${model}`
  if (next === current) return null
  cfg.model = next
  return `model set to ${next}: ${report?.recommendation.reason ?? "the plan has no GLM-5"}`
}
