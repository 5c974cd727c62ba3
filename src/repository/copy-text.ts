import type { EncodedRow } from './table-shape.ts'

/*
 * Rows in COPY's text format: tab-separated columns, `\N` for NULL, and backslash, tab, newline
 * and carriage return escaped with a backslash (so a `\.` in the data can never end the stream).
 * https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2
 */

const SPECIAL = /[\\\t\n\r]/
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

function field(value: string | null | undefined): string {
  if (value === null || value === undefined) return '\\N'
  return SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] ?? c) : value
}

/** `rows` as COPY text, one line per row, the fields of the columns `indices` (a write target's) in that order. */
export function copyText(rows: readonly EncodedRow[], indices: readonly number[]): string {
  let out = ''
  const last = indices.length - 1
  for (const r of rows) {
    const v = r.values
    for (let i = 0; i < last; i++) out += `${field(v[indices[i] as number])}\t`
    out += `${field(v[indices[last] as number])}\n`
  }
  return out
}

/** Rows per piece of a COPY stream: a piece is encoded while the server reads the previous one. */
const PIECE_ROWS = 2000

/** The chunks' rows as COPY text, in pieces of {@link PIECE_ROWS} rows, encoded one at a time as they are asked for. */
export function* copyPieces(chunks: readonly (readonly EncodedRow[])[], indices: readonly number[]): Generator<string> {
  for (const chunk of chunks) {
    for (let start = 0; start < chunk.length; start += PIECE_ROWS) yield copyText(chunk.slice(start, start + PIECE_ROWS), indices)
  }
}
