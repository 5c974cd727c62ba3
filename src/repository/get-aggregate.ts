import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { timeSeriesData } from '../schema/time-series-data.ts'
import { validateAggregateFunction, validateEntityId, validateRange, validateValueColumn } from '../validation/index.ts'
import type { AggregateFunction, TimeRange, ValueColumn } from '../vocabulary/read-options.ts'
import { aggregateRows } from './aggregate-rows.ts'
import { recordMeasure } from './record-measure.ts'
import { nullableNumber } from './stored-record.ts'
import { timeSeriesShape } from './time-series-shape.ts'

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
  const { result } = await aggregateRows<{ result: unknown }>(
    db,
    timeSeriesShape,
    timeSeriesData,
    { where: { entity_id: id }, from, to, measures: { result: recordMeasure(fn, col) } },
    'getAggregate',
  )
  return nullableNumber(result)
}
