import { type SQL, sql } from 'drizzle-orm'
import { ErrorCodes, QueryError, type ValidationError } from '../errors.ts'
import { utcFromJson, utcJson } from '../internal/iso-time.ts'
import { findPgError } from '../internal/pg-error.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import type { TimeBucketOptions, TimeBucketResult, TimeRange } from '../types.ts'
import {
  invalid,
  minimumMicroseconds,
  type ValidInterval,
  type ValidRange,
  type ValidTimeBucketOptions,
  validateEntityId,
  validateInterval,
  validateRange,
  validateTimeBucketOptions,
} from '../validation/index.ts'
import { aggregateExpression } from './aggregate-expression.ts'
import { type BucketRequest, forgetHourlyMetrics, hourlyMetricsQuery } from './hourly-metrics-route.ts'
import { nullableNumber } from './stored-record.ts'

/** Most buckets a gap-filled query may produce over its range (before `limit`). */
export const MAX_GAPFILL_BUCKETS = 100_000

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
 * may). On the Apache edition the aggregate does not exist; that is checked once per database.
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
  if (o.gapFill !== undefined) checkGapFillSize(width, bounds)
  try {
    if (o.gapFill !== undefined) await requireTimescaleLicense(db)
    if (bounds.from === bounds.to) return []
    const request = { entityId: id, width, range: bounds, options: o }
    const routed = await hourlyMetricsQuery(db, request)
    let rows: Record<string, unknown>[]
    try {
      rows = await queryRows(db, ordered(routed ?? rawBuckets(request), id === null, o))
    } catch (error) {
      // The aggregate was dropped since it was looked up: look again next time, answer from the table.
      if (!routed || findPgError(error)?.code !== '42P01') throw error
      forgetHourlyMetrics(db)
      rows = await queryRows(db, ordered(rawBuckets(request), id === null, o))
    }
    return rows.map((row) => ({
      bucket: utcFromJson(String(row.bucket)),
      entity_id: id ?? String(row.entity_id),
      value: nullableNumber(row.value),
      count: Number(row.count),
    }))
  } catch (error) {
    throw timeZoneError(error, o.timeZone) ?? toTimescaleError(error, { operation })
  }
}

/** The buckets (`bucket`, `entity_id`, `value`, `count`) computed from time_series_data. */
function rawBuckets({ entityId, width, range, options: o }: BucketRequest): SQL {
  // Bounds as timestamptz parameters (not text cast on the server): the planner then excludes
  // the chunks outside the range while planning instead of planning every chunk of the table.
  const where = sql`${entityId === null ? sql`` : sql`t.entity_id = ${entityId}::text and`}
    t.time >= ${range.from}::timestamptz and t.time < ${range.to}::timestamptz`
  const tz = o.timeZone === undefined ? sql`` : sql`, timezone => ${o.timeZone}::text`
  const aggregate = aggregateExpression(o.aggregateFunction, o.aggregateColumn)
  let bucket: SQL
  let value: SQL
  if (o.gapFill === undefined) {
    bucket = sql`time_bucket(${width.text}::interval, t.time${tz})`
    value = aggregate
  } else {
    bucket = sql`time_bucket_gapfill(${width.text}::interval, t.time${tz},
      start => ${range.from}::timestamptz, finish => ${range.to}::timestamptz)`
    value = o.gapFill === 'locf' ? sql`locf(${aggregate})` : o.gapFill === 'interpolate' ? sql`interpolate(${aggregate})` : aggregate
  }
  // One entity: grouped by bucket alone, so that gap filling also fills a range without rows.
  return entityId === null
    ? sql`select ${bucket} as bucket, t.entity_id, ${value} as value, count(*) as count
        from time_series_data t where ${where} group by 1, 2`
    : sql`select ${bucket} as bucket, ${value} as value, count(*) as count
        from time_series_data t where ${where} group by 1`
}

/**
 * `buckets` (a select of `bucket`, `entity_id`, `value`, `count`) ordered, limited and formatted.
 * The order and the limit go into that select itself: the planner then groups in that order and
 * stops at the limit, instead of aggregating every group and sorting them all afterwards.
 */
function ordered(buckets: SQL, everyEntity: boolean, o: ValidTimeBucketOptions): SQL {
  const order = sql`bucket ${sql.raw(o.order)}${everyEntity ? sql`, entity_id` : sql``}`
  return sql`select ${utcJson(sql`b.bucket`)} as bucket, ${everyEntity ? sql`b.entity_id,` : sql``}
      b.value::float8 as value, coalesce(b.count, 0)::float8 as count
    from (${buckets} order by ${order} limit ${o.limit}) b
    order by b.bucket ${sql.raw(o.order)}${everyEntity ? sql`, b.entity_id` : sql``}`
}

function checkGapFillSize(width: ValidInterval, range: ValidRange): void {
  const spanMs = Date.parse(`${range.to.slice(0, 23)}Z`) - Date.parse(`${range.from.slice(0, 23)}Z`)
  if ((spanMs * 1000) / minimumMicroseconds(width) > MAX_GAPFILL_BUCKETS) {
    throw invalid('interval', `is too small to gap-fill this range: more than ${MAX_GAPFILL_BUCKETS} buckets`)
  }
}

// The Apache edition has no working time_bucket_gapfill, and over an empty range it silently
// returns no rows instead of failing: check the license first (a cheap GUC read).
async function requireTimescaleLicense(db: AnyPgDatabase): Promise<void> {
  const [row] = await queryRows<{ license: string | null }>(db, sql`select current_setting('timescaledb.license', true) as license`)
  const license = row?.license ?? null
  if (license !== 'timescale') {
    throw new QueryError(
      `${operation} failed: gap filling (time_bucket_gapfill) needs the Timescale license; this server's timescaledb.license is ${license ?? 'not set'}`,
      ErrorCodes.LICENSE,
      { details: { operation, license } },
    )
  }
}

function timeZoneError(error: unknown, timeZone: string | undefined): ValidationError | undefined {
  const pg = findPgError(error)
  if (timeZone === undefined || pg?.code !== '22023' || !/time zone/i.test(pg.message)) return undefined
  return invalid('timeZone', `is not a time zone the server knows: ${pg.message}`, { sqlState: pg.code, operation }, error)
}
