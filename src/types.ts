/*
 * The package's public types, re-exported from where each lives: records and read/write options
 * beside the repository, entities beside theirs, client configuration beside the client.
 */

export type {
  ClientConfig,
  ConnectionConfig,
  ConnectionOptions,
  HealthCheckResult,
  NodeHealth,
  ReadRoute,
  ReplicaOptions,
  RetryOptions,
} from './client/client-types.ts'
export type { EntityInput, EntityRecord, ListEntitiesOptions } from './repository/entity-types.ts'
export {
  AGGREGATE_FUNCTIONS,
  type AggregateFunction,
  DEFAULT_LIMIT,
  MAX_LIMIT,
  type RecordRange,
  type SortOrder,
  type StreamOptions,
  type TimeBucketOptions,
  type TimeBucketResult,
  type TimeRange,
  VALUE_COLUMNS,
  type ValueColumn,
} from './repository/read-options.ts'
export type { LatestValue, Metadata, StoredRecord, TimeSeriesRecord } from './repository/record-types.ts'
export type { BatchResult, InsertManyOptions, RecordError } from './repository/write-options.ts'
