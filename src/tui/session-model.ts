// The model a session runs on, as the TUI's store knows it: the last message that names one, else the configured
// default. Pure.

export interface MessageLike {
  role?: string
  model?: { providerID?: string; modelID?: string } | null
  modelID?: string
  providerID?: string
}

export function modelOfMessages(messages: readonly MessageLike[] | undefined, fallback: string | null): string | null {
  if (messages !== undefined) {
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]
      if (m === undefined) continue
      const modelID = m.role === "user" ? m.model?.modelID : m.modelID
      const providerID = m.role === "user" ? m.model?.providerID : m.providerID
      if (typeof modelID === "string" && modelID !== "")
        return typeof providerID === "string" && providerID !== "" ? `${providerID}/${modelID}` : modelID
    }
  }
  return typeof fallback === "string" && fallback.trim() !== "" ? fallback.trim() : null
}
