// The report as the JSON of the contract (schema 1).
import type { Report } from "../types.ts"

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n"
}
