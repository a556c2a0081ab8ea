import { cleanText } from "../core/text/sanitize.ts"
import type { Region } from "../core/types.ts"

export const ORIGINS: Record<Region, string> = {
  international: "https://api.z.ai",
  china: "https://open.bigmodel.cn",
}

export function otherRegion(region: Region): Region {
  return region === "international" ? "china" : "international"
}

export function parseRegion(value: unknown): Region | null {
  if (typeof value !== "string") return null
  const v = value.trim().toLowerCase()
  if (v === "international" || v === "intl" || v === "global" || v === "zai" || v === "z.ai") return "international"
  if (v === "china" || v === "cn" || v === "bigmodel" || v === "zhipu" || v === "zhipuai") return "china"
  return null
}

/** The origin to call: an explicit override (option or GLM_QUOTA_BASE_URL) wins; trailing slashes are dropped. */
export function originFor(region: Region, override?: string | null): string {
  const o = override?.trim()
  if (o) return o.replace(/\/+$/, "")
  return ORIGINS[region]
}

/** Whether an override names an http(s) address (`new URL` would throw deep inside a request otherwise). */
export function validOrigin(override: string | null | undefined): boolean {
  const o = override?.trim()
  if (!o) return true
  try {
    const u = new URL(o)
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== ""
  } catch {
    return false
  }
}

/** An address as it may be shown: without user name and password, cleaned and capped like server text. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url)
    u.username = ""
    u.password = ""
    return cleanText(u.toString().replace(/\/+$/, ""), 200)
  } catch {
    // Not a URL: still no "user:password@" before a host.
    return cleanText(url.replace(/\/\/[^/@\s]*@/, "//"), 200)
  }
}
