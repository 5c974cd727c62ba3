/*
 * The package's own hypertable and aggregate, declared with the toolkit: what its committed
 * migrations (drizzle/0002-0004) create. test/toolkit/dogfood.test.ts proves that the SQL
 * `generate` writes for these gives the same catalog state as those migrations on each target,
 * and `check` finds no drift on a database they migrated.
 */
import { timeSeriesData } from '../schema/time-series-data.ts'
import { continuousAggregate } from './continuous-aggregate.ts'
import { hypertable } from './hypertable.ts'
import { measure } from './measures.ts'

/** `time_series_data`: 1-day chunks, 4 hash partitions on entity_id, columnstore after 7 days, 1-year retention. */
export const timeSeriesHypertable = hypertable(timeSeriesData, {
  time: 'time',
  chunkInterval: '1 day',
  dimensions: [{ column: 'entity_id', partitions: 4 }],
  createDefaultIndexes: false,
  compression: { segmentBy: ['entity_id'], orderBy: ['time DESC'], after: '7 days' },
  retention: '1 year',
})

/** `hourly_metrics`: real-time, refreshed every hour from 1 day to 1 hour ago. */
export const hourlyMetricsAggregate = continuousAggregate('hourly_metrics', {
  from: timeSeriesHypertable,
  bucket: '1 hour',
  bucketColumn: 'hour',
  groupBy: ['entity_id'],
  measures: {
    avg_value: measure.avg(timeSeriesData.value),
    max_value: measure.max(timeSeriesData.value),
    min_value: measure.min(timeSeriesData.value),
    data_points: measure.count(),
  },
  realTime: true,
  refresh: { startOffset: '1 day', endOffset: '1 hour', every: '1 hour' },
})
