export { type Entity, entities, type NewEntity } from './entities.ts'
export { type HourlyMetricsRow, hourlyMetrics } from './hourly-metrics.ts'
export { type Metadata, type TimeSeriesInsert, type TimeSeriesRow, timeSeriesData } from './time-series-data.ts'
export { timescaleSchema } from './timescale-schema.ts'
