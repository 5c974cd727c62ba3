export { entities, type Entity, type NewEntity } from './entities.ts'
export { hourlyMetrics, type HourlyMetricsRow } from './hourly-metrics.ts'
export { timeSeriesData, type Metadata, type TimeSeriesInsert, type TimeSeriesRow } from './time-series-data.ts'
