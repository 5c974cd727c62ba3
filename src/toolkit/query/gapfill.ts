import { type Column, type SQL, sql } from 'drizzle-orm'
import { literal, zoneArgument } from './time-bucket.ts'

/** Options of {@link timeBucketGapfill}. */
export interface GapfillOptions {
  /** The first bucket to emit (default: read from the query's `WHERE` on the column). */
  start?: string | Date
  /** The end of the last bucket (default: read from the `WHERE`). */
  finish?: string | Date
  /** Buckets in this zone (`timestamptz` columns). */
  timeZone?: string
}

/**
 * TimescaleDB's `time_bucket_gapfill`: like `timeBucket`, but every bucket from `start` to
 * `finish` has a row, empty ones included; fill them with {@link locf} or {@link interpolate}.
 *
 * @example
 * ```ts
 * const bucket = timeBucketGapfill(readings.time, '1 hour', { start: from, finish: to })
 * await db.select({ bucket, temp: locf(sql<number>`avg(${readings.temperature})`) })
 *   .from(readings).where(and(gte(readings.time, from), lt(readings.time, to))).groupBy(bucket)
 * ```
 * @see https://docs.timescale.com/api/latest/hyperfunctions/gapfilling/time_bucket_gapfill/
 */
export function timeBucketGapfill<C extends Column>(column: C, width: string, options: GapfillOptions = {}): SQL<C['_']['data']> {
  const args: SQL[] = [sql`${literal.interval(width, 'width')}`, sql`${column}`]
  if (options.timeZone !== undefined) args.push(zoneArgument(column, options.timeZone))
  if (options.start !== undefined) args.push(sql`start => ${literal.time(options.start, 'start')}`)
  if (options.finish !== undefined) args.push(sql`finish => ${literal.time(options.finish, 'finish')}`)
  return sql<C['_']['data']>`time_bucket_gapfill(${sql.join(args, sql`, `)})`.mapWith(column)
}

/**
 * Last observation carried forward: an empty gap-filled bucket takes the previous bucket's value.
 *
 * @see https://docs.timescale.com/api/latest/hyperfunctions/gapfilling/locf/
 */
export function locf<T>(aggregate: SQL<T>): SQL<T | null> {
  return sql<T | null>`locf(${aggregate})`.mapWith((v) => decodeLike(aggregate, v) as T | null)
}

/**
 * Linear interpolation of an empty gap-filled bucket from its neighbours.
 *
 * @see https://docs.timescale.com/api/latest/hyperfunctions/gapfilling/interpolate/
 */
export function interpolate(aggregate: SQL<number> | SQL<number | null>): SQL<number | null> {
  return sql<number | null>`interpolate(${aggregate})`.mapWith((v) => (v === null ? null : Number(v)))
}

function decodeLike(aggregate: SQL, value: unknown): unknown {
  const decoder = (aggregate as unknown as { decoder?: { mapFromDriverValue(v: unknown): unknown } }).decoder
  return value === null || !decoder ? value : decoder.mapFromDriverValue(value)
}
