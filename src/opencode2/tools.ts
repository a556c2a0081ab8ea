// The agent tools in OpenCode 2: glm_quota and glm_model, the same runners as the 1.x half, declared with plain JSON
// Schema (`codemode: false`: the model sees them as tools of their own). The host's validation is not relied on: an
// argument outside the schema goes back to the model as an error, as OpenCode's own tools answer.
import { toolRunners } from "../opencode/tools.ts"
import { TOOL_DESCRIPTIONS, TOOL_WINDOWS, WINDOW_DESCRIPTION } from "../opencode/tool-meta.ts"
import type { Disposable } from "./host.ts"
import type { Parts2 } from "./parts.ts"

type Window = (typeof TOOL_WINDOWS)[number]

const isWindow = (v: unknown): v is Window => typeof v === "string" && (TOOL_WINDOWS as readonly string[]).includes(v)

export function registerTools(p: Parts2): Promise<Disposable> {
  const run = toolRunners(p.service, p.at)
  // Content only: 2.2.5 refuses an `output` from a tool that declares no output schema.
  const answer = (content: string) => ({ content })
  return p.ctx.tool.transform((draft) => {
    draft.add({
      name: "glm_quota",
      description: TOOL_DESCRIPTIONS.glm_quota,
      input: {
        type: "object",
        properties: { window: { type: "string", enum: [...TOOL_WINDOWS], description: WINDOW_DESCRIPTION } },
        additionalProperties: false,
      },
      options: { codemode: false },
      execute: async (args) => {
        const window = args?.window
        if (window !== undefined && !isWindow(window))
          throw new Error(
            `The glm_quota tool was called with an invalid window: use one of ${TOOL_WINDOWS.join(", ")}.`,
          )
        await p.askKey()
        return answer(await run.glm_quota({ window }, undefined))
      },
    })
    draft.add({
      name: "glm_model",
      description: TOOL_DESCRIPTIONS.glm_model,
      input: { type: "object", properties: {}, additionalProperties: false },
      options: { codemode: false },
      execute: async () => {
        await p.askKey()
        return answer(await run.glm_model({}, undefined))
      },
    })
  })
}
