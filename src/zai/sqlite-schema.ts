// The columns of a CREATE TABLE statement, in order, as the SQLite file reader needs them to name a record's values.
// Pure. Table constraints (PRIMARY KEY (…), UNIQUE, CHECK, FOREIGN KEY, CONSTRAINT …) are not columns; an
// `INTEGER PRIMARY KEY` column is the rowid itself (its record slot holds NULL).

export interface Column {
  name: string
  /** The column is an alias of the rowid. */
  rowid: boolean
}

const CONSTRAINTS = /^(constraint|primary|unique|check|foreign)\b/i

/** Splits on commas outside parentheses and quotes. */
function splitTop(body: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quote: string | null = null
  let cur = ""
  for (const c of body) {
    if (quote !== null) {
      if (c === quote) quote = null
    } else if (c === '"' || c === "`" || c === "'") quote = c
    else if (c === "[") quote = "]"
    else if (c === "(") depth++
    else if (c === ")") depth--
    else if (c === "," && depth === 0) {
      parts.push(cur)
      cur = ""
      continue
    }
    cur += c
  }
  parts.push(cur)
  return parts.map((p) => p.trim()).filter((p) => p !== "")
}

/** The first token of a column definition, unquoted. */
function nameOf(def: string): string {
  const m = /^(?:"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|\[([^\]]*)\]|'((?:[^']|'')*)'|(\S+))/.exec(def)
  if (m === null) return ""
  return (m[1]?.replace(/""/g, '"') ?? m[2]?.replace(/``/g, "`") ?? m[3] ?? m[4]?.replace(/''/g, "'") ?? m[5])!
}

export function parseColumns(sql: string): Column[] {
  const open = sql.indexOf("(")
  const close = sql.lastIndexOf(")")
  if (open < 0 || close < open) return []
  return splitTop(sql.slice(open + 1, close))
    .filter((def) => !CONSTRAINTS.test(def))
    .map((def) => {
      const name = nameOf(def)
      const rest = def.slice(def.indexOf(name) + name.length)
      return { name, rowid: /^\W*\s*integer\s+primary\s+key\b/i.test(rest) }
    })
}
