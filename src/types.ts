/*
 * The package's public types, re-exported from where each lives: records, entities and the
 * read/write options in src/vocabulary (the bottom layer every other imports them from), client
 * configuration beside the client. Only the root barrel imports this file.
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
export type { EntityInput, EntityRecord, ListEntitiesOptions } from './vocabulary/entity-types.ts'
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
} from './vocabulary/read-options.ts'
export type { LatestValue, Metadata, StoredRecord, TimeSeriesRecord } from './vocabulary/record-types.ts'
export type { BatchResult, InsertManyOptions, RecordError } from './vocabulary/write-options.ts'
