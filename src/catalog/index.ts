/*
 * One reader of TimescaleDB's catalog, for describeTimescale, collectStatus and the routing of
 * getTimeBuckets to hourly_metrics: information views where they carry the fact, the internal
 * catalog by name where they do not (see each reader), the server version in hand.
 */

export { compressionEnabled } from './compression-enabled.ts'
export { type ChunkTables, readChunkTables } from './read-chunk-tables.ts'
export { type CatalogContinuousAggregate, readContinuousAggregates } from './read-continuous-aggregates.ts'
export { readDistinctEstimates } from './read-distinct-estimates.ts'
export { type CatalogDimension, type CatalogHypertable, readHypertables } from './read-hypertables.ts'
export { type CatalogJob, readJobs } from './read-jobs.ts'
export { readRowEstimates } from './read-row-estimates.ts'
export { readServerInfo, type ServerInfo, versionAtLeast } from './read-server-info.ts'
export { hasUnmaterializedRows } from './unmaterialized-rows.ts'
