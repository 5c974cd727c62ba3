import { sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { validateOptions } from '../validation/validate-options.ts'
import { checkFilter, checkPaging } from './read-filter.ts'
import { decodeRow, rowSelect } from './row-select.ts'
import type { ShapeColumn, TableShape } from './table-shape.ts'

/** The rows of a declared table in `[from, to)` matching `where`, by time (newest first by default), at most `limit`. */
export async function rangeRows<R>(db: AnyPgDatabase, shape: TableShape, query: unknown, operation = 'range'): Promise<R[]> {
  const q = validateOptions(query, ['where', 'from', 'to', 'order', 'limit'], 'query')
  const filter = checkFilter(shape, q)
  const { order, limit } = checkPaging(q, 'desc')
  const time = sql.identifier((shape.columns[shape.time] as ShapeColumn).name)
  try {
    const rows = await queryRows(
      db,
      // `t.time`, not `time`: in ORDER BY a bare name is the select list's (formatted) column first.
      sql`select ${rowSelect(shape)} from ${shape.table} t where ${filter.where} order by t.${time} ${sql.raw(order)} limit ${limit}`,
    )
    return rows.map((row) => decodeRow<R>(shape, row))
  } catch (error) {
    throw toTimescaleError(error, { operation })
  }
}
