import type { ValidRecord } from '../validation/index.ts'
import { floatText } from './pg-array-literal.ts'

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

/** The columns {@link copyText} writes, in order. */
export const COPY_COLUMNS = 'entity_id, time, value, value2, value3, value4, metadata'

/** `rows` as COPY text, one line per row in the order of {@link COPY_COLUMNS}. */
export function copyText(rows: readonly ValidRecord[]): string {
  let out = ''
  for (const r of rows) {
    out += `${text(r.entity_id)}\t${r.time}\t${float(r.value)}\t${float(r.value2)}\t${float(r.value3)}\t${float(r.value4)}\t${
      r.metadata === null ? '\\N' : text(r.metadata)
    }\n`
  }
  return out
}
