import { type Column, type SQL, sql } from 'drizzle-orm'
import { invalid } from '../../validation/invalid.ts'
import { validateInterval } from '../../validation/validate-interval.ts'
import { validateTime } from '../../validation/validate-time.ts'
import { validateTimeZone } from '../../validation/validate-time-zone.ts'

/** Options of {@link timeBucket}. */
export interface TimeBucketExpressionOptions {
  /** Buckets of local days, weeks, months in this zone (`timestamptz` columns only). */
  timeZone?: string
  /** Where buckets start (`2024-01-01T06:00:00Z`): buckets are aligned to it. */
  origin?: string | Date
  /** Shift every bucket by this interval (`'30 minutes'`). */
  offset?: string
}

/**
 * Inlined, checked literals, so the same `timeBucket(...)` in `select` and `groupBy` is one
 * expression to PostgreSQL (bound parameters `$1` and `$2` would not be, and GROUP BY would fail).
 */
export const literal = {
  interval: (value: unknown, field: string) => sql.raw(`'${validateInterval(value, field).text}'::interval`),
  time: (value: unknown, field: string) =>
    sql.raw(`'${validateTime(value instanceof Date ? value.toISOString() : value, field)}'::timestamptz`),
  zone: (value: unknown, field: string) => sql.raw(`'${validateTimeZone(value, field)}'`),
}

/** The time zone argument of a bucketing function: only a `timestamp with time zone` column takes one. */
export function zoneArgument(column: Column, timeZone: string): SQL {
  if (!/with time zone/.test(column.getSQLType())) throw invalid('timeZone', 'applies only to a timestamp with time zone column')
  return sql`${literal.zone(timeZone, 'timeZone')}`
}

/**
 * TimescaleDB's `time_bucket` of a column, as a Drizzle expression for `select`, `groupBy` and
 * `orderBy`: its type is the column's.
 *
 * @throws {ValidationError} fields `width`, `timeZone`, `origin`, `offset`.
 * @example
 * ```ts
 * const bucket = timeBucket(readings.time, '15 minutes', { timeZone: 'Europe/Berlin' })
 * const rows = await db.select({ bucket, avg: avg(readings.temperature) })
 *   .from(readings).groupBy(bucket).orderBy(bucket)
 * ```
 * @see https://docs.timescale.com/api/latest/hyperfunctions/time_bucket/
 */
export function timeBucket<C extends Column>(column: C, width: string, options: TimeBucketExpressionOptions = {}): SQL<C['_']['data']> {
  const w = literal.interval(width, 'width')
  const args: SQL[] = [sql`${w}`, sql`${column}`]
  if (options.timeZone !== undefined) args.push(zoneArgument(column, options.timeZone))
  if (options.origin !== undefined) args.push(sql`origin => ${literal.time(options.origin, 'origin')}`)
  if (options.offset !== undefined) args.push(sql`"offset" => ${literal.interval(options.offset, 'offset')}`)
  return sql<C['_']['data']>`time_bucket(${sql.join(args, sql`, `)})`.mapWith(column)
}
