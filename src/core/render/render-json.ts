import type { Report } from "../report/report.ts"
// The report as the JSON of the contract (schema 1).

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n"
}
