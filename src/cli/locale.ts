// The terminal's character set as the locale tells it: LANG=C (or any locale that is not UTF-8, set explicitly) gets
// the bars in ASCII, which every terminal shows. Unset, UTF-8 is assumed (containers rarely set a locale, and their
// terminals are UTF-8).
import type { Env } from "../core/types.ts"

/** Whether the locale in effect (LC_ALL, else LC_CTYPE, else LANG) is set and is not UTF-8. */
export function asciiLocale(env: Env): boolean {
  const locale = [env.LC_ALL, env.LC_CTYPE, env.LANG].map((v) => v?.trim()).find((v) => v !== undefined && v !== "")
  return locale !== undefined && !/utf-?8/i.test(locale)
}

/** The bar cells in ASCII: "#" filled, "-" empty. */
export function asciiBars(text: string): string {
  return text.replace(/█/g, "#").replace(/░/g, "-")
}
