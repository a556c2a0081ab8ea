// cleanText and markdownSafe: pure edge cases (the parse-boundary use is in test/zai/errors.test.ts).
import { describe, expect, it } from "vitest"
import { capText, cleanText, markdownSafe, MAX_MESSAGE, MAX_NAME } from "../../src/core/text/sanitize.ts"

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2028\u2029\ufeff]/

describe("cleanText", () => {
  it("leaves ordinary text alone, including CJK and emoji", () => {
    expect(cleanText("search-prime", MAX_NAME)).toBe("search-prime")
    expect(cleanText("当前用户不存在coding plan", MAX_MESSAGE)).toBe("当前用户不存在coding plan")
    expect(cleanText("GLM 🙂 Max", MAX_NAME)).toBe("GLM 🙂 Max")
  })

  it("input of only control, invisible or whitespace characters becomes empty", () => {
    expect(cleanText("", 10)).toBe("")
    expect(
      cleanText("\u0000\u0001\u0007\u001b\u007f\u0085\u009b\u200b\u200f\u202e\u2066\ufeff\u2028\u2029 \t\r\n", 10),
    ).toBe("")
    expect(cleanText("\u001b[2J\u001b]0;title\u0007\u001b[38;5;196m", 10)).toBe("")
  })

  it("removes escape sequences whole, not just their ESC", () => {
    expect(cleanText("a\u001b[2Jb", 20)).toBe("ab")
    expect(cleanText("a\u001b[38;2;255;0;0mred\u001b[0m", 20)).toBe("ared")
    expect(cleanText("x\u001b]0;pwned\u0007y", 20)).toBe("xy")
    expect(cleanText("x\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\y", 20)).toBe("xlinky")
    expect(cleanText("x\u001bPq#0;2;0;0;0\u001b\\y", 20)).toBe("xy")
    expect(cleanText("x\u009b31my", 20)).toBe("xy")
    expect(cleanText("x\u001b(By\u001bcz", 20)).toBe("xyz")
    expect(cleanText("an unterminated \u001b]0;title runs to the end", 40)).toBe("an unterminated")
  })

  it("turns breaks and tabs into one space and collapses whitespace", () => {
    expect(cleanText("  a\n\n\tb\r\nc\u2028d\u2029e\u0085f  ", 20)).toBe("a b c d e f")
    expect(cleanText("a\u00a0\u00a0b", 20)).toBe("a b")
  })

  it("removes bidi overrides, isolates and zero-width characters", () => {
    expect(cleanText("\u202egnp.exe\u202c", 20)).toBe("gnp.exe")
    expect(cleanText("a\u2066b\u2069c\u200bd\u200de\ufefff", 20)).toBe("abcdef")
  })

  it("removes lone surrogates and keeps pairs", () => {
    expect(cleanText("a\ud800b\udc00c🙂", 20)).toBe("abc🙂")
  })

  it("caps at max code points with an ellipsis, never splitting a surrogate pair", () => {
    expect(cleanText("abcdef", 6)).toBe("abcdef")
    expect(cleanText("abcdefg", 6)).toBe("abcde…")
    const emoji = "🙂".repeat(10)
    const cut = cleanText(emoji, 5)
    expect(cut).toBe("🙂🙂🙂🙂…")
    expect(Array.from(cut)).toHaveLength(5)
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
    expect(cleanText("a🙂🙂🙂", 3)).toBe("a🙂…")
    expect(cleanText("ab cdef", 4)).toBe("ab…")
  })

  it("caps of 1 and 0", () => {
    expect(cleanText("abc", 1)).toBe("…")
    expect(cleanText("abc", 0)).toBe("")
    expect(capText("a", 1)).toBe("a")
  })

  it("counts the cap after cleaning: escape sequences do not use it up", () => {
    expect(cleanText("\u001b[2J".repeat(100) + "visible", 10)).toBe("visible")
  })

  it("a long hostile mix: nothing dangerous survives, the cap holds", () => {
    const mix = Array.from({ length: 2000 }, (_, i) => String.fromCharCode(i % 0x2070)).join("")
    const out = cleanText(mix, MAX_MESSAGE)
    expect(out).not.toMatch(CONTROL)
    expect(Array.from(out).length).toBeLessThanOrEqual(MAX_MESSAGE)
  })
})

describe("markdownSafe", () => {
  it("escapes what would change formatting, and the backslash", () => {
    expect(markdownSafe("a`b*c_d[e]f<g>h|i\\j")).toBe("a\\`b\\*c\\_d\\[e\\]f\\<g\\>h\\|i\\\\j")
    expect(markdownSafe("search-prime")).toBe("search-prime")
  })
})
