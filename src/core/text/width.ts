// How many terminal columns a string takes. Pure.
//
// Widths follow East Asian Width and emoji presentation closely enough for what the reports print (CJK plan or
// model names, an emoji in a reason), not every corner of Unicode: ambiguous-width characters (×, ·, —, █, ░, box
// drawing, arrows) count as 1, which is what terminals outside CJK locales show.

// SGR sequences only: the renderers emit nothing else, and other escapes are not ours to measure. Sticky: it is
// tried at one index at a time.
const SGR_AT = /\x1b\[[0-9;]*m/y

/** Inclusive code point ranges that show 2 columns wide, sorted for the binary search. */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo initials
  [0x231a, 0x231b], // ⌚⌛
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x23f0, 0x23f0], // ⏰
  [0x23f3, 0x23f3],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x267f, 0x267f],
  [0x2693, 0x2693],
  [0x26a1, 0x26a1],
  [0x26aa, 0x26ab],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x26ce, 0x26ce],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26f3],
  [0x26f5, 0x26f5],
  [0x26fa, 0x26fa],
  [0x26fd, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x274e, 0x274e],
  [0x2753, 0x2755],
  [0x2757, 0x2757],
  [0x2795, 0x2797],
  [0x27b0, 0x27b0],
  [0x27bf, 0x27bf],
  [0x2b1b, 0x2b1c],
  [0x2b50, 0x2b50],
  [0x2b55, 0x2b55],
  [0x2e80, 0x303e], // CJK radicals, punctuation
  [0x3041, 0x33ff], // kana, CJK symbols
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f], // CJK compatibility forms, small forms
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff], // Tangut
  [0x1b000, 0x1b2ff], // kana supplement
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f1e6, 0x1f1ff], // regional indicators: a flag is a pair, one cluster
  [0x1f200, 0x1f2ff],
  [0x1f300, 0x1f64f], // pictographs, emoticons
  [0x1f680, 0x1f6ff], // transport
  [0x1f7e0, 0x1f7eb],
  [0x1f90c, 0x1f9ff], // supplemental pictographs
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd], // CJK extensions B and beyond
]

/** Ranges that take no column of their own: combining marks, joiners, variation selectors. */
const ZERO: readonly (readonly [number, number])[] = [
  [0x0300, 0x036f],
  [0x0483, 0x0489],
  [0x0591, 0x05bd],
  [0x0610, 0x061a],
  [0x064b, 0x065f],
  [0x0e31, 0x0e31],
  [0x0e34, 0x0e3a],
  [0x0e47, 0x0e4e],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x200b, 0x200f], // zero-width space, joiners, direction marks
  [0x20d0, 0x20ff],
  [0x3099, 0x309a],
  [0xfe00, 0xfe0f], // variation selectors
  [0xfe20, 0xfe2f],
  [0x1f3fb, 0x1f3ff], // skin tone modifiers: part of the emoji before them
  [0xe0020, 0xe007f], // tags (subdivision flags)
  [0xe0100, 0xe01ef],
]

function inRanges(cp: number, ranges: readonly (readonly [number, number])[]): boolean {
  let lo = 0
  let hi = ranges.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const [a, b] = ranges[mid]!
    if (cp < a) hi = mid - 1
    else if (cp > b) lo = mid + 1
    else return true
  }
  return false
}

function codePointWidth(cp: number): 0 | 1 | 2 {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0
  if (cp < 0x300) return 1
  if (inRanges(cp, ZERO)) return 0
  return inRanges(cp, WIDE) ? 2 : 1
}

/** One thing the cursor steps over: a character with its combining marks and joined parts, or an SGR sequence. */
export interface Cluster {
  text: string
  width: number
}

const ZWJ = 0x200d
const VS16 = 0xfe0f
const isRegional = (cp: number) => cp >= 0x1f1e6 && cp <= 0x1f1ff

// A hand-rolled grapheme approximation rather than Intl.Segmenter: what a wrapper must never do is split a surrogate
// pair, a base from its marks, an emoji ZWJ sequence or a flag, and that much is a few lines.
export function clusters(text: string): Cluster[] {
  const out: Cluster[] = []
  let afterZwj = false
  let openFlag = false
  let i = 0
  while (i < text.length) {
    if (text.charCodeAt(i) === 0x1b) {
      SGR_AT.lastIndex = i
      const m = SGR_AT.exec(text)
      if (m !== null) {
        out.push({ text: m[0], width: 0 })
        i += m[0].length
        continue
      }
    }
    const cp = text.codePointAt(i)!
    const ch = String.fromCodePoint(cp)
    i += ch.length
    const last = out[out.length - 1]
    const w = codePointWidth(cp)
    if (
      last !== undefined &&
      last.text.charCodeAt(0) !== 0x1b &&
      (w === 0 || afterZwj || (openFlag && isRegional(cp)))
    ) {
      last.text += ch
      // An emoji presentation selector widens a narrow symbol (☀ → ☀️), as terminals that honour it show.
      if (cp === VS16) last.width = Math.max(last.width, 2)
      afterZwj = cp === ZWJ
      openFlag = false
      continue
    }
    out.push({ text: ch, width: w })
    afterZwj = false
    openFlag = isRegional(cp)
  }
  return out
}

/** Columns `text` takes in a terminal: SGR colour codes count 0, wide and emoji characters 2, combining marks 0. */
export function displayWidth(text: string): number {
  // The common case, plain ASCII, without building clusters.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length
  let n = 0
  for (const c of clusters(text)) n += c.width
  return n
}
