import { type Column, type SQL, sql } from 'drizzle-orm'
import { invalid } from '../../validation/invalid.ts'

/**
 * PostgreSQL's exact continuous percentile of a numeric column over each group:
 * `percentile_cont(fraction) WITHIN GROUP (ORDER BY column)`, interpolated between the two
 * nearest values, `null` for an empty group. Exact (it sorts the group's rows), so for a range
 * query, not for a continuous aggregate: a percentile of percentiles is not a percentile.
 *
 * @throws {ValidationError} field `fraction` unless it is a number from 0 to 1.
 * @example
 * ```ts
 * const [row] = await db.select({ p95: percentileCont(readings.temperature, 0.95) })
 *   .from(readings).where(gte(readings.time, since))
 * ```
 * @see https://www.postgresql.org/docs/current/functions-aggregate.html#FUNCTIONS-ORDEREDSET-TABLE
 */
export function percentileCont(column: Column, fraction: number): SQL<number | null> {
  return sql<number | null>`percentile_cont(${checkFraction(fraction)}::double precision) within group (order by ${column})`.mapWith(
    (v: unknown) => (v === null ? null : Number(v)),
  )
}

/**
 * The discrete percentile: the first value of the column whose position in the group's order
 * reaches `fraction` (`percentile_disc`), typed as the column: one of the group's own values.
 *
 * @example
 * ```ts
 * await db.select({ median: percentileDisc(prices.price, 0.5) }).from(prices).groupBy(prices.symbol)
 * ```
 */
export function percentileDisc<C extends Column>(column: C, fraction: number): SQL<C['_']['data'] | null> {
  return sql<
    C['_']['data'] | null
  >`percentile_disc(${checkFraction(fraction)}::double precision) within group (order by ${column})`.mapWith(column)
}

function checkFraction(fraction: number): number {
  if (typeof fraction !== 'number' || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw invalid('fraction', `must be a number from 0 to 1, not ${String(fraction)}`)
  }
  return fraction
}
