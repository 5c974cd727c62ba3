import type { PgColumn } from 'drizzle-orm/pg-core'
import { timeSeriesData } from '../schema/time-series-data.ts'
import { type Measure, measure } from '../toolkit/measures.ts'
import type { AggregateFunction, ValueColumn } from '../vocabulary/read-options.ts'

/**
 * The measure of `getAggregate`'s and `getTimeBuckets`' aggregate function over a value column of
 * `time_series_data`. Both names must already be checked against the allow-lists: they select
 * fixed SQL text, never reach it themselves. `stddev` and `variance` are the sample ones.
 *
 * @see https://docs.timescale.com/api/latest/hyperfunctions/first/
 */
export function recordMeasure(func: AggregateFunction, column: ValueColumn): Measure {
  const c = timeSeriesData[column] as PgColumn
  switch (func) {
    case 'count':
      return measure.count(c)
    default:
      return measure[func](c)
  }
}
