// Two server options read raw, without the option table (zod): the start-up module (opencode/plugin.ts) needs them
// before the rest of the plugin is loaded, and the table (server.ts) reads the same values through these. The rest
// validates every option and names the bad ones at the first session.
type Raw = { model?: unknown; guard?: unknown } | null | undefined

/** A `guard` value that turns the request guard off: false or "off". */
export const isGuardOff = (value: unknown): boolean => value === false || value === "off"

/** Whether the options turn the request guard off. */
export const guardOff = (options: unknown): boolean => isGuardOff((options as Raw)?.guard)

/** Whether the options ask for apply mode (`"model": "apply"`). */
export const wantsApply = (options: unknown): boolean => (options as Raw)?.model === "apply"
