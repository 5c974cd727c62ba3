import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { hourlyMetricsAggregate } from '../toolkit/package-declarations.ts'
import { invalid, validateEntityId, validateInterval, validateRange, validateTimeBucketOptions } from '../validation/index.ts'
import type { TimeBucketOptions, TimeBucketResult, TimeRange } from '../vocabulary/read-options.ts'
import { bucketRows, checkGapFillSize, MAX_GAPFILL_BUCKETS } from './bucket-rows.ts'
import { timeSeriesBucketQuery } from './hourly-metrics-route.ts'
import { nullableNumber } from './stored-record.ts'
import { timeSeriesShape } from './time-series-shape.ts'

export { MAX_GAPFILL_BUCKETS }

const operation = 'getTimeBuckets'

/**
 * Aggregates an entity's records over `[from, to)` in buckets of `interval` (`'15 minutes'`,
 * `'1 hour'`, `'1 day'`, `'1 month'`): per bucket the aggregate (`avg` of `value` unless
 * `aggregateFunction`/`aggregateColumn` say otherwise) and the number of rows. Buckets start at
 * multiples of the width in UTC, or in `timeZone` (e.g. 1-day buckets in `America/New_York` start
 * at local midnight). With `gapFill`, empty buckets between `from` and `to` are produced too
 * (`time_bucket_gapfill`; value carried forward with `'locf'`, interpolated with `'interpolate'`,
 * `null` with `'null'`; count 0); it needs the Timescale license. Newest bucket first unless
 * `order: 'asc'`, at most `limit` buckets (default 1000). `range.limit`/`range.order` do not apply.
 *
 * **Every entity**: with `entityId` `null` the result has one row per bucket and entity (each
 * with its `entity_id`), ordered by bucket (newest first unless `order: 'asc'`), then by
 * `entity_id`; `limit` (at most 10,000) counts those rows, so narrow the range to read more.
 * Gap filling needs one entity. Only `null` means every entity: `undefined` or `''` are refused.
 *
 * **From the continuous aggregate**: where `hourly_metrics` exists (Timescale license,
 * TimescaleDB 2.23+), whole-hour buckets in UTC over a range that starts and ends on whole hours,
 * without gap filling, of `avg` (1-hour buckets only), `min`, `max` or `count` of `value`, are read
 * from its materialized hours plus the raw rows after its watermark, as its real-time view does.
 * It is used only when no change to the range waits for a refresh, so the numbers are those of
 * the raw query (an `avg` may differ in the last bits of a double, as two plans of the raw query
 * may). On the Apache edition the aggregate does not exist; that is checked once a minute per database.
 *
 * @throws {ValidationError} fields `entityId`, `interval`, `range*`, `aggregateFunction`,
 *   `aggregateColumn`, `timeZone` (also when the server does not know the zone), `gapFill`, `order`, `limit`.
 * @throws {QueryError} `FEATURE_NOT_LICENSED` for `gapFill` on a server without the Timescale license.
 * @example
 * ```ts
 * const hourly = await getTimeBuckets(db, 'temp_sensor_01', '1 hour', {
 *   from: '2024-01-15T00:00:00Z',
 *   to: '2024-01-16T00:00:00Z',
 * }, { aggregateFunction: 'max', timeZone: 'Europe/Berlin', order: 'asc' })
 * // [{ bucket: '2024-01-14T23:00:00.000000Z', entity_id: 'temp_sensor_01', value: 21.5, count: 60 }, ...]
 *
 * // The newest hour of every entity:
 * const fleet = await getTimeBuckets(db, null, '1 hour', { from: hourAgo, to: now }, { limit: 10_000 })
 * ```
 * @see https://docs.timescale.com/api/latest/hyperfunctions/time_bucket/
 * @see https://docs.timescale.com/api/latest/hyperfunctions/gapfilling/time_bucket_gapfill/
 * @see https://docs.timescale.com/use-timescale/latest/continuous-aggregates/real-time-aggregates/
 */
export async function getTimeBuckets(
  db: AnyPgDatabase,
  entityId: string | null,
  interval: string,
  range: TimeRange,
  options?: TimeBucketOptions,
): Promise<TimeBucketResult[]> {
  const id = entityId === null ? null : validateEntityId(entityId)
  const width = validateInterval(interval)
  const bounds = validateRange(range)
  const o = validateTimeBucketOptions(options)
  if (o.gapFill !== undefined && id === null) throw invalid('gapFill', 'needs one entity (entityId null reads every entity)')
  if (o.gapFill !== undefined) checkGapFillSize(width, bounds.from, bounds.to, 'interval')
  const rows = await bucketRows<{ bucket: string; entity_id?: string; value: unknown; count: unknown }>(
    db,
    timeSeriesShape,
    timeSeriesBucketQuery({ entityId: id, width, range: bounds, options: o }),
    [hourlyMetricsAggregate],
    operation,
  )
  return rows.map((row) => ({
    bucket: row.bucket,
    entity_id: id ?? String(row.entity_id),
    value: nullableNumber(row.value),
    count: Number(row.count ?? 0),
  }))
}
