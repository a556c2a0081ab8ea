// "apply" mode: set GLM-4.7 or GLM-5 as the model of the Z.ai / BigModel coding-plan provider, from the last known
// plan and quota (cached: start-up never waits on the network).
import type { Config } from "@opencode-ai/plugin"
import type { PlanId, Report } from "../core/types.ts"

export const CODING_PLAN_PROVIDERS = ["zai-coding-plan", "zhipuai-coding-plan"]

/** Changes cfg.model when it points at a coding-plan provider; returns a line for the log, or null. */
export function applyModel(cfg: Config, report: Report | null, plan: PlanId | null): string | null {
  const current = typeof cfg.model === "string" ? cfg.model : ""
  const slash = current.indexOf("/")
  if (slash < 0) return null
  const provider = current.slice(0, slash)
  if (!CODING_PLAN_PROVIDERS.includes(provider)) return null
  const model = report?.recommendation.model ?? (plan === "lite" ? "glm-4.7" : null)
  if (model === null) return null
  const next = `${provider}/${model}`
  if (next === current) return null
  cfg.model = next
  return `model set to ${next}: ${report?.recommendation.reason ?? "the plan has no GLM-5"}`
}
