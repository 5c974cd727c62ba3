import { type SQL, sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { validateInteger, validateOptions, validateSortOrder } from '../validation/validate-options.ts'
import { checkFilter, typedValue } from './read-filter.ts'
import { decodeRow, rowSelect } from './row-select.ts'
import type { ShapeColumn, TableShape } from './table-shape.ts'

/**
 * Yields every row of a declared table in `[from, to)` matching `where`, oldest first (or newest
 * first with `order: 'desc'`), `pageSize` rows per query (default 1000), in constant memory and
 * without holding a cursor or a connection between pages. Pages follow each other by keyset on
 * (time, the rest of the key); a table without a key pages by time and skips the rows of the last
 * page's final instant already yielded (rows equal in every column but a json one may then come in
 * either order). Arguments are checked when it is called. `runPage` runs each page's query (the
 * client's retries: a page is one statement from a cursor, so running it again repeats nothing).
 */
export function streamRows<R>(
  db: AnyPgDatabase,
  shape: TableShape,
  query: unknown,
  operation = 'stream',
  runPage: <T>(page: () => Promise<T>) => Promise<T> = (page) => page(),
): AsyncGenerator<R, void, undefined> {
  const q = validateOptions(query, ['where', 'from', 'to', 'order', 'pageSize'], 'query')
  const filter = checkFilter(shape, q)
  const order = validateSortOrder(q.order, 'order', 'asc')
  const pageSize = validateInteger(q.pageSize, 'pageSize', 1, 100_000, 1000)
  return pages<R>(db, shape, filter.where, order, pageSize, operation, runPage)
}

async function* pages<R>(
  db: AnyPgDatabase,
  shape: TableShape,
  where: SQL,
  order: 'asc' | 'desc',
  pageSize: number,
  operation: string,
  runPage: <T>(page: () => Promise<T>) => Promise<T>,
): AsyncGenerator<R, void, undefined> {
  const time = shape.columns[shape.time] as ShapeColumn
  const rest = shape.key.filter((i) => i !== shape.time).map((i) => shape.columns[i] as ShapeColumn)
  // The page order: time, then the rest of the key (unique together); without a key, time then
  // every column that has an order (json has none), so that a boundary instant's rows keep one order.
  const tail = shape.key.length > 0 ? rest : shape.columns.filter((c) => c !== time && c.codec.sqlType !== 'json')
  const orderColumns = [time, ...tail]
  const direction = sql.raw(order)
  const orderBy = sql.join(
    // Qualified: in ORDER BY a bare name is the select list's (formatted) column first.
    orderColumns.map((c) => sql`t.${sql.identifier(c.name)} ${direction}`),
    sql`, `,
  )
  const keyed = shape.key.length > 0
  const compare = order === 'asc' ? sql`>` : sql`<`
  const timeName = sql.identifier(time.name)
  let last: Record<string, unknown> | undefined
  let seenAtLast = 0
  for (;;) {
    let after = sql``
    let offset = 0
    if (last) {
      const lastTime = typedValue(time, String(last.__dts_time))
      if (keyed) {
        const values = orderColumns.map((c) => (c === time ? lastTime : typedValue(c, String(last?.[`__dts_${c.key}`]))))
        after = sql` and ${timeName} ${order === 'asc' ? sql`>=` : sql`<=`} ${lastTime} and (${sql.join(
          orderColumns.map((c) => sql.identifier(c.name)),
          sql`, `,
        )}) ${compare} (${sql.join(values, sql`, `)})`
      } else {
        after = sql` and ${timeName} ${order === 'asc' ? sql`>=` : sql`<=`} ${lastTime}`
        offset = seenAtLast
      }
    }
    const cursorColumns = keyed ? rest.map((c) => sql`, ${sql.identifier(c.name)}::text as ${sql.identifier(`__dts_${c.key}`)}`) : []
    const page = sql`select ${rowSelect(shape)}, ${timeText(time)} as __dts_time${sql.join(cursorColumns, sql``)}
      from ${shape.table} t where ${where}${after} order by ${orderBy} limit ${pageSize} offset ${offset}`
    let rows: Record<string, unknown>[]
    try {
      rows = await runPage(() => queryRows(db, page))
    } catch (error) {
      throw toTimescaleError(error, { operation })
    }
    for (const row of rows) yield decodeRow<R>(shape, row)
    const final = rows.at(-1)
    if (rows.length < pageSize || final === undefined) return
    if (!keyed) {
      let atFinal = 0
      for (let i = rows.length - 1; i >= 0 && rows[i]?.__dts_time === final.__dts_time; i--) atFinal++
      seenAtLast = last && last.__dts_time === final.__dts_time ? seenAtLast + atFinal : atFinal
    }
    last = final
  }
}

/** The time column as its input text (what a cursor sends back as a parameter). */
function timeText(time: ShapeColumn): SQL {
  const name = sql`${sql.identifier(time.name)}`
  if (time.codec.temporal === 'timestamptz') return sql`to_char(${name} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
  if (time.codec.temporal === 'timestamp') return sql`to_char(${name}, 'YYYY-MM-DD"T"HH24:MI:SS.US')`
  return sql`${name}::text`
}
