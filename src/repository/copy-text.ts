import type { EncodedRow } from './table-shape.ts'
import type { WriteTarget } from './write-target.ts'

/*
 * Rows in COPY's text format: tab-separated columns, `\N` for NULL, and backslash, tab, newline
 * and carriage return escaped with a backslash (so a `\.` in the data can never end the stream).
 * https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2
 */

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

function field(value: string | null | undefined): string {
  if (value === null || value === undefined) return '\\N'
  // A scan by character code: most values have nothing to escape (faster than a regular expression
  // test for the short texts of a key).
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 92 || c === 9 || c === 10 || c === 13) return value.replace(/[\\\t\n\r]/g, (ch) => ESCAPES[ch] ?? ch)
  }
  return value
}

/** A column's COPY field: its text escaped, unless its codec's texts never need it (numbers, times, uuids). */
function fieldOf(target: WriteTarget, index: number): (value: string | null | undefined) => string {
  return target.shape.columns[index]?.codec.plain ? plainField : field
}

function plainField(value: string | null | undefined): string {
  return value === null || value === undefined ? '\\N' : value
}

/** `rows` as COPY text, one line per row, the fields of the target's columns in its order. */
export function copyText(rows: readonly EncodedRow[], target: WriteTarget): string {
  const indices = target.indices
  const fields = indices.map((i) => fieldOf(target, i))
  let out = ''
  const last = indices.length - 1
  for (const r of rows) {
    const v = r.values
    for (let i = 0; i < last; i++) out += `${(fields[i] as typeof field)(v[indices[i] as number])}\t`
    out += `${(fields[last] as typeof field)(v[indices[last] as number])}\n`
  }
  return out
}

/** Rows per piece of a COPY stream: a piece is encoded while the server reads the previous one. */
const PIECE_ROWS = 2000

/** The chunks' rows as COPY text, in pieces of {@link PIECE_ROWS} rows, encoded one at a time as they are asked for. */
export function* copyPieces(chunks: readonly (readonly EncodedRow[])[], target: WriteTarget): Generator<string> {
  for (const chunk of chunks) {
    for (let start = 0; start < chunk.length; start += PIECE_ROWS) yield copyText(chunk.slice(start, start + PIECE_ROWS), target)
  }
}
