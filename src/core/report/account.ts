// What an answer without windows means (December 2026 shapes), in one sentence each. Pure.
import type { Seat } from "../plans/credit-catalog.ts"
import type { AccountReport, AccountState, Region } from "../types.ts"

/** The sentence for a fresh account or a team member's key; `seat` when the user named their team seat. */
export function accountReport(state: AccountState, region: Region, seat: Seat | null): AccountReport {
  if (state === "fresh")
    return {
      state,
      message: "Nothing has started on this account yet: the 5-hour and weekly windows appear with your first request.",
    }
  const console = region === "china" ? "BigModel" : "Z.ai"
  const seatText =
    seat === null
      ? `set the option team: { seat: "standard" } (or "premium"; glm-quota --seat) to count this machine's turns against your seat's allowance.`
      : `this machine's turns are counted below against a ${seat === "premium" ? "Premium" : "Standard"} seat's allowance (an estimate).`
  return {
    state,
    message: `This key belongs to a member of a team plan: the team's quota is not visible to members (an admin key, or the ${console} console's team page, shows it); ${seatText}`,
  }
}
