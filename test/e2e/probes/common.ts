import { readFileSync, existsSync } from "node:fs"
import { join } from "node:path"
import type { MockModel } from "../mock-model.ts"
import { FIXTURES_DIR } from "../util.ts"
export const FP = join(FIXTURES_DIR, "findings-probe.ts")
export function zaiConfig(mock: MockModel, withKey = true): Record<string, unknown> {
  const m = (id: string) => ({ name: id, tool_call: true, limit: { context: 100000, output: 4096 } })
  return {
    model: "zai-coding-plan/glm-5",
    provider: {
      "zai-coding-plan": {
        npm: "@ai-sdk/openai-compatible",
        name: "Z.AI Coding Plan",
        options: { baseURL: mock.url, ...(withKey ? { apiKey: "cfg-key" } : {}) },
        models: { "glm-5": m("glm-5"), "glm-4.7": m("glm-4.7") },
      },
    },
  }
}
export function readTrace(f: string): any[] {
  if (!existsSync(f)) return []
  return readFileSync(f, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l))
}
export const models = (mock: MockModel) => mock.requests.map((r) => `${r.model}${r.isTitle ? "(title)" : ""}`)
