/*
 * drizzle-timescale: a typed time-series store on TimescaleDB for Drizzle ORM.
 * Subpaths: ./schema (tables), ./migrate, ./embedded (in-process TimescaleDB).
 * Importing this module opens no connection.
 */
export {
  ClientFactory,
  type EmbeddedClientConfig,
  type HealthCheckOptions,
  type PostgresTimescaleDatabase,
  TimescaleClient,
  type TimescaleClientInit,
  type TimescaleDatabase,
  type WithRetryOptions,
  withRetry,
} from './client/index.ts'
export {
  BatchError,
  ConnectionError,
  type ErrorCode,
  ErrorCodes,
  MigrationError,
  QueryError,
  TimescaleClientError,
  ValidationError,
} from './errors.ts'
export {
  type ContinuousAggregateDescription,
  type DimensionDescription,
  describeTimescale,
  formatDescription,
  type HypertableDescription,
  type JobDescription,
  type TimescaleDescription,
} from './inspect/index.ts'
export type { AnyPgDatabase } from './internal/query-rows.ts'
export { setJobsScheduled } from './jobs/set-jobs-scheduled.ts'
export { type MigrateOptions, type MigrateResult, migrate } from './migrate.ts'
export {
  alterJob,
  type CatalogJob,
  type ChunkInfo,
  type ChunkProgress,
  type ChunkRun,
  type ChunkWindow,
  compressChunks,
  decompressChunks,
  dropChunks,
  type JobChanges,
  listChunks,
  listJobs,
  type RefreshOptions,
  type RefreshResult,
  type RelationRef,
  refreshContinuousAggregate,
  runJob,
} from './operations/index.ts'
export {
  configurePolicies,
  type Policies,
  type PolicyChanges,
  type PolicyJob,
  type PolicyOptions,
  type RefreshPolicyOptions,
  readPolicies,
} from './policies/index.ts'
export {
  deactivateEntity,
  getAggregate,
  getEntity,
  getLatestValues,
  getRecords,
  getTimeBuckets,
  insertManyRecords,
  insertRecord,
  listEntities,
  MAX_GAPFILL_BUCKETS,
  streamRecords,
  upsertEntity,
} from './repository/index.ts'
export {
  type AggregateQuery,
  type BucketRow,
  type BucketsQuery,
  type HypertableHandle,
  type LatestQuery,
  type MeasureValues,
  type RangeQuery,
  type StreamQuery,
  type TimeBound,
  type TimescaleOptions,
  timescale,
  type Where,
} from './repository/timescale.ts'
export {
  type Entity,
  entities,
  type HourlyMetricsRow,
  hourlyMetrics,
  type NewEntity,
  type TimeSeriesInsert,
  type TimeSeriesRow,
  timeSeriesData,
} from './schema/index.ts'
export { type GrantsOptions, grantsSql } from './security/index.ts'
export {
  type ContinuousAggregateStatus,
  collectStatus,
  type HypertableStatus,
  type JobStatus,
  statusProblems,
  type TimescaleStatus,
} from './status/index.ts'
export { isRetryable, toTimescaleError } from './to-timescale-error.ts'
export {
  AGGREGATE_FUNCTIONS,
  type AggregateFunction,
  type BatchResult,
  type ClientConfig,
  type ConnectionConfig,
  type ConnectionOptions,
  DEFAULT_LIMIT,
  type EntityInput,
  type EntityRecord,
  type HealthCheckResult,
  type InsertManyOptions,
  type LatestValue,
  type ListEntitiesOptions,
  MAX_LIMIT,
  type Metadata,
  type NodeHealth,
  type ReadRoute,
  type RecordError,
  type RecordRange,
  type ReplicaOptions,
  type RetryOptions,
  type SortOrder,
  type StoredRecord,
  type StreamOptions,
  type TimeBucketOptions,
  type TimeBucketResult,
  type TimeRange,
  type TimeSeriesRecord,
  VALUE_COLUMNS,
  type ValueColumn,
} from './types.ts'
