// Plain-language advice for the Z.ai inference errors an OpenCode session meets (zai-monitor-api.md). Pure.
import { beijingWallClockToIso } from "../time/beijing.ts"

export type ZaiErrorCode = "1302" | "1305" | "1308" | "1310" | "1311" | "1113"

export interface ProviderAdvice {
  code: ZaiErrorCode
  title: string
  message: string
  /** The reset time the error message gave (UTC+8 in the message), as an ISO instant. */
  resetsAt: string | null
}

const CODES = /(?:^|[^0-9])(1302|1305|1308|1310|1311|1113)(?:[^0-9]|$)/
const RESET_AT = /(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/

/** The first Z.ai code in an error's text (body, message or JSON), or null. */
export function findZaiCode(text: string): ZaiErrorCode | null {
  const m = CODES.exec(text)
  return m === null ? null : (m[1] as ZaiErrorCode)
}

/** A "2026-03-02 18:12:00" in the message is Beijing time. */
export function findResetTime(text: string): string | null {
  const m = RESET_AT.exec(text)
  return m === null ? null : beijingWallClockToIso(m[0])
}

/**
 * Advice for an error text, or null when it carries none of the codes worth a word.
 * `when` formats the reset instant for the user (local and Beijing time).
 */
export function adviceFor(text: string, when: (iso: string) => string): ProviderAdvice | null {
  const code = findZaiCode(text)
  if (code === null) return null
  const resetsAt = code === "1308" || code === "1310" ? findResetTime(text) : null
  const back = resetsAt === null ? "" : ` It comes back at ${when(resetsAt)}.`
  switch (code) {
    case "1302":
      return {
        code,
        resetsAt,
        title: "GLM: too many requests at once (1302)",
        message:
          "The Coding Plan allows few requests in flight, fewest at peak hours: run fewer subagents or parallel sessions, then retry.",
      }
    case "1305":
      return {
        code,
        resetsAt,
        title: "GLM: platform overloaded (1305)",
        message: "Z.ai's servers are overloaded right now: wait a minute and retry.",
      }
    case "1308":
      return {
        code,
        resetsAt,
        title: "GLM: 5-hour limit reached (1308)",
        message: `Your 5-hour window is used up.${back} Until then, pause, or use a reset card if you have one (Z.ai console).`,
      }
    case "1310":
      return {
        code,
        resetsAt,
        title: "GLM: weekly or monthly limit reached (1310)",
        message: `Your weekly or monthly allowance is used up.${back} Run /glm-quota to see which window.`,
      }
    case "1311":
      return {
        code,
        resetsAt,
        title: "GLM: model not in your plan (1311)",
        message: "Your plan does not include this model on this date: switch with /models to one it has.",
      }
    case "1113":
      return {
        code,
        resetsAt,
        title: "GLM: wrong endpoint or key (1113)",
        message:
          "The key was used on an endpoint it does not pay for: check that the provider's baseURL ends in /api/coding/paas/v4 and that the key's region matches (api.z.ai or open.bigmodel.cn).",
      }
  }
}
