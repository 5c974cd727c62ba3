import { floatText } from '../internal/pg-array-literal.ts'
import type { ValidRecord } from '../validation/index.ts'

/*
 * Rows in COPY's text format: tab-separated columns, `\N` for NULL, and backslash, tab, newline
 * and carriage return escaped with a backslash (so a `\.` in the data can never end the stream).
 * https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2
 */

const SPECIAL = /[\\\t\n\r]/
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

function text(value: string): string {
  return SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] ?? c) : value
}

function float(value: number | null): string {
  return value === null ? '\\N' : floatText(value)
}

/**
 * `rows` as COPY text, one line per row, fields in the table's column order (RECORD_COLUMNS:
 * the fields are written out here for speed; test/repository/record-columns.test.ts holds the
 * two together).
 */
export function copyText(rows: readonly ValidRecord[]): string {
  let out = ''
  for (const r of rows) {
    out += `${text(r.entity_id)}\t${r.time}\t${float(r.value)}\t${float(r.value2)}\t${float(r.value3)}\t${float(r.value4)}\t${
      r.metadata === null ? '\\N' : text(r.metadata)
    }\n`
  }
  return out
}

/** Rows per piece of a COPY stream: a piece is encoded while the server reads the previous one. */
const PIECE_ROWS = 2000

/** The chunks' rows as COPY text, in pieces of {@link PIECE_ROWS} rows, encoded one at a time as they are asked for. */
export function* copyPieces(chunks: readonly (readonly ValidRecord[])[]): Generator<string> {
  for (const chunk of chunks) {
    for (let start = 0; start < chunk.length; start += PIECE_ROWS) yield copyText(chunk.slice(start, start + PIECE_ROWS))
  }
}
