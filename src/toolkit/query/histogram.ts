import { type Column, type SQL, sql } from 'drizzle-orm'
import { invalid } from '../../validation/invalid.ts'

/**
 * TimescaleDB's `histogram(value, min, max, buckets)` (core, Apache edition included): the counts of
 * the group's values in `buckets` equal-width bins of `[min, max)`, with one bin before for values
 * under `min` and one after for values at or over `max` (`buckets + 2` counts). Nulls are not counted.
 *
 * @throws {ValidationError} field `histogram` unless `min < max` are finite and `buckets` is 1 to 10,000.
 * @example
 * ```ts
 * const [row] = await db.select({ bins: histogram(readings.temperature, 0, 40, 8) }).from(readings)
 * // row.bins: [under 0, 0-5, 5-10, ..., 35-40, 40 and over]
 * ```
 * @see https://docs.timescale.com/api/latest/hyperfunctions/histogram/
 */
export function histogram(column: Column, min: number, max: number, buckets: number): SQL<number[] | null> {
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(min < max))
    throw invalid('histogram', `needs finite min < max, not ${min} and ${max}`)
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 10_000) {
    throw invalid('histogram', `needs an integer number of buckets from 1 to 10000, not ${String(buckets)}`)
  }
  return sql<
    number[] | null
  >`histogram(${column}::double precision, ${min}::double precision, ${max}::double precision, ${buckets}::int)`.mapWith((v: unknown) =>
    v === null ? null : parseCounts(v),
  )
}

/** An `int[]` as the drivers give it: an array (postgres.js, PGlite) or its text (`{0,3,1}`). */
function parseCounts(value: unknown): number[] {
  if (Array.isArray(value)) return value.map(Number)
  const text = String(value)
  return text === '{}' ? [] : text.slice(1, -1).split(',').map(Number)
}
