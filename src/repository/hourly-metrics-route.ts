import type { SQL } from 'drizzle-orm'
import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { timeSeriesData } from '../schema/time-series-data.ts'
import { measure } from '../toolkit/measures.ts'
import { hourlyMetricsAggregate } from '../toolkit/package-declarations.ts'
import type { ValidInterval, ValidRange, ValidTimeBucketOptions } from '../validation/index.ts'
import { minimumMicroseconds } from '../validation/validate-interval.ts'
import { routedBuckets, routePlans } from './aggregate-route.ts'
import { type BucketQuery, checkBucketQuery } from './bucket-rows.ts'
import { recordMeasure } from './record-measure.ts'
import { timeSeriesShape } from './time-series-shape.ts'

/*
 * `getTimeBuckets` as a bucket query of time_series_data, and when it is answered from
 * `hourly_metrics`: the general rules of aggregate-route.ts applied to the package's own
 * aggregate (declared in toolkit/package-declarations.ts). Whole-hour buckets in UTC over a range
 * that starts and ends on whole hours, without gap filling, of min, max or count of `value` (avg
 * for 1-hour buckets only: an average of averages is not the average; the aggregate has no sum),
 * read from the materialized hours plus the raw rows after the watermark, only when no change to
 * the range waits for a refresh.
 */

/** What a `getTimeBuckets` call asks for, validated. */
export interface BucketRequest {
  entityId: string | null
  width: ValidInterval
  range: ValidRange
  options: ValidTimeBucketOptions
}

/** The request as the engine's bucket query: `value` (the function of the column) and `count` (rows) per bucket and entity. */
export function timeSeriesBucketQuery({ entityId, width, range, options: o }: BucketRequest): BucketQuery {
  return checkBucketQuery(timeSeriesShape, timeSeriesData, {
    width: width.text,
    from: range.from,
    to: range.to,
    ...(entityId === null ? { groupBy: ['entity_id'] } : { where: { entity_id: entityId } }),
    measures: { value: recordMeasure(o.aggregateFunction, o.aggregateColumn), count: measure.count() },
    ...(o.timeZone === undefined ? {} : { timeZone: o.timeZone }),
    ...(o.gapFill === undefined ? {} : { gapFill: o.gapFill }),
    order: o.order,
    limit: o.limit,
  })
}

/**
 * The hours of the bucket width when the request may be answered from hourly_metrics by its
 * declaration (the catalog and the data are checked per call), else 0. Month widths, which the
 * rules also route (a month is a union of whole hours in UTC), have no number of hours: 0.
 */
export function routableHours(r: BucketRequest): number {
  if (r.width.months !== 0) return 0
  if (routePlans(timeSeriesShape, [hourlyMetricsAggregate], timeSeriesBucketQuery(r)).length === 0) return 0
  return minimumMicroseconds(r.width) / 3_600_000_000
}

/** The routed select of a request (columns `bucket`, `entity_id` when grouped, `value`, `count`), or `undefined` when the raw query must run. */
export async function hourlyMetricsQuery(db: AnyPgDatabase, r: BucketRequest): Promise<SQL | undefined> {
  const q = timeSeriesBucketQuery(r)
  return (await routedBuckets(db, timeSeriesShape, routePlans(timeSeriesShape, [hourlyMetricsAggregate], q), q))?.query
}
