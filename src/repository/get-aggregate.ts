import { sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import type { AggregateFunction, TimeRange, ValueColumn } from '../types.ts'
import { validateAggregateFunction, validateEntityId, validateRange, validateValueColumn } from '../validation/index.ts'
import { aggregateExpression } from './aggregate-expression.ts'
import { nullableNumber } from './stored-record.ts'

/**
 * One aggregate of an entity's column over `[from, to)`: `avg`, `min`, `max`, `sum`, `count`,
 * `stddev` (sample), `variance` (sample), or TimescaleDB's `first`/`last` (the value at the earliest
 * / latest time). `count` counts non-null values of the column. An empty range gives `null`, except
 * `count`, which gives `0`. `range.limit` and `range.order` do not apply.
 *
 * @throws {ValidationError} fields `entityId`, `func`, `column`, `range*`.
 * @example
 * ```ts
 * const avgCpu = await getAggregate(db, 'server_prod_01', 'avg', 'value', {
 *   from: '2024-01-15T00:00:00Z',
 *   to: '2024-01-16T00:00:00Z',
 * })
 * ```
 * @see https://docs.timescale.com/api/latest/hyperfunctions/first/
 */
export async function getAggregate(
  db: AnyPgDatabase,
  entityId: string,
  func: AggregateFunction,
  column: ValueColumn,
  range: TimeRange,
): Promise<number | null> {
  const id = validateEntityId(entityId)
  const fn = validateAggregateFunction(func)
  const col = validateValueColumn(column)
  const { from, to } = validateRange(range)
  try {
    const [row] = await queryRows(
      db,
      sql`select ${aggregateExpression(fn, col)}::float8 as result
      from time_series_data t
      where t.entity_id = ${id}::text and t.time >= ${from}::timestamptz and t.time < ${to}::timestamptz`,
    )
    return nullableNumber(row?.result)
  } catch (error) {
    throw toTimescaleError(error, { operation: 'getAggregate' })
  }
}
