import { type SQL, sql } from 'drizzle-orm'
import type { AggregateFunction, ValueColumn } from '../types.ts'

const FUNCTIONS: Record<AggregateFunction, (column: SQL) => SQL> = {
  avg: (c) => sql`avg(${c})`,
  min: (c) => sql`min(${c})`,
  max: (c) => sql`max(${c})`,
  sum: (c) => sql`sum(${c})`,
  count: (c) => sql`count(${c})`,
  stddev: (c) => sql`stddev(${c})`,
  variance: (c) => sql`variance(${c})`,
  // TimescaleDB's bookend aggregates: the value at the earliest / latest time.
  first: (c) => sql`first(${c}, t.time)`,
  last: (c) => sql`last(${c}, t.time)`,
}

/**
 * The SQL of an aggregate over a column of `time_series_data` aliased `t`. Both names must already
 * be checked against the allow-lists: they select fixed SQL text, never reach it themselves.
 *
 * @see https://docs.timescale.com/api/latest/hyperfunctions/first/
 * @see https://docs.timescale.com/api/latest/hyperfunctions/last/
 */
export function aggregateExpression(func: AggregateFunction, column: ValueColumn): SQL {
  const build = FUNCTIONS[func]
  return build(sql`t.${sql.identifier(column)}`)
}
