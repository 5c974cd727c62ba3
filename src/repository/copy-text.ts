import type { EncodedRow } from './table-shape.ts'
import type { WriteTarget } from './write-target.ts'

/*
 * Rows in COPY's text format: tab-separated columns, `\N` for NULL, and backslash, tab, newline
 * and carriage return escaped with a backslash (so a `\.` in the data can never end the stream).
 * https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2
 */

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

function field(value: string): string {
  // A scan by character code: most values have nothing to escape (faster than a regular expression
  // test for the short texts of a key).
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 92 || c === 9 || c === 10 || c === 13) return value.replace(/[\\\t\n\r]/g, (ch) => ESCAPES[ch] ?? ch)
  }
  return value
}

/**
 * `rows` as COPY text, one line per row, the fields of the target's columns in its order. The texts
 * of plain codecs (numbers, times, uuids) never need escaping and go in as they are; each line is
 * built on its own and the lines joined once (a third faster than appending field by field).
 */
export function copyText(rows: readonly EncodedRow[], target: WriteTarget): string {
  if (rows.length === 0) return ''
  const indices = target.indices
  const count = indices.length
  const escaped = indices.map((i) => target.shape.columns[i]?.codec.plain !== true)
  const lines = new Array<string>(rows.length)
  for (let j = 0; j < rows.length; j++) {
    const v = (rows[j] as EncodedRow).values
    let line = ''
    for (let i = 0; i < count; i++) {
      const value = v[indices[i] as number]
      const text = value === null || value === undefined ? '\\N' : escaped[i] ? field(value) : value
      line = i === 0 ? text : `${line}\t${text}`
    }
    lines[j] = line
  }
  return `${lines.join('\n')}\n`
}

/** Rows per piece of a COPY stream: a piece is encoded while the server reads the previous one. */
const PIECE_ROWS = 2000

/** The chunks' rows as COPY text, in pieces of {@link PIECE_ROWS} rows, encoded one at a time as they are asked for. */
export function* copyPieces(chunks: readonly (readonly EncodedRow[])[], target: WriteTarget): Generator<string> {
  for (const chunk of chunks) {
    for (let start = 0; start < chunk.length; start += PIECE_ROWS) yield copyText(chunk.slice(start, start + PIECE_ROWS), target)
  }
}
