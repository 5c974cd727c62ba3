import type { Metadata } from './schema/time-series-data.ts'

export type { Metadata }

/**
 * One measurement: an entity, an instant, up to four numbers and optional JSON metadata.
 * The shape of a `time_series_data` row.
 *
 * `time` is a `Date` or an ISO 8601 string **with** a zone offset (`Z`, `+02:00`); a string
 * without one is rejected, never guessed. Microseconds in a string are kept.
 */
export interface TimeSeriesRecord {
  entity_id: string
  time: string | Date
  value: number
  value2?: number | null
  value3?: number | null
  value4?: number | null
  metadata?: Metadata | null
}

/**
 * A record as read back: `time` is an ISO 8601 UTC string with microseconds
 * (`2024-01-15T10:30:00.123456Z`), absent optional values are `null`.
 */
export interface StoredRecord {
  entity_id: string
  time: string
  value: number
  value2: number | null
  value3: number | null
  value4: number | null
  metadata: Metadata | null
}

/** A half-open time range `[from, to)`. */
export interface TimeRange {
  from: string | Date
  to: string | Date
  /** Most rows to return (default 1000, at most {@link MAX_LIMIT}). */
  limit?: number
  /** `'desc'` (newest first, the default) or `'asc'`. */
  order?: SortOrder
}

/** Sort order of results by time. */
export type SortOrder = 'asc' | 'desc'

/** Aggregate functions accepted by `getAggregate` and `getTimeBuckets`. */
export const AGGREGATE_FUNCTIONS = ['avg', 'min', 'max', 'sum', 'count', 'stddev', 'variance', 'first', 'last'] as const
/** One of {@link AGGREGATE_FUNCTIONS}. */
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number]

/** The numeric columns of a record. */
export const VALUE_COLUMNS = ['value', 'value2', 'value3', 'value4'] as const
/** One of {@link VALUE_COLUMNS}. */
export type ValueColumn = (typeof VALUE_COLUMNS)[number]

/** Default `limit` of a range read (the design's). */
export const DEFAULT_LIMIT = 1000
/** Largest `limit` accepted by a range read; read more with `streamRecords`. */
export const MAX_LIMIT = 10_000

/** Options of `getTimeBuckets`. */
export interface TimeBucketOptions {
  /** Aggregate of each bucket (default `avg`). */
  aggregateFunction?: AggregateFunction
  /** Column aggregated (default `value`). */
  aggregateColumn?: ValueColumn
  /** IANA time zone for bucket boundaries (e.g. `Europe/Berlin`); UTC when omitted. */
  timeZone?: string
  /** Fill empty buckets: `'locf'` carries the last value forward, `'interpolate'` interpolates linearly, `'null'` leaves the value null. Needs the Timescale license. */
  gapFill?: 'locf' | 'interpolate' | 'null'
  /** `'asc'` (oldest first) or `'desc'` (newest first, the default). */
  order?: SortOrder
  /** Most buckets to return (default 1000, at most {@link MAX_LIMIT}). */
  limit?: number
}

/** One time bucket. `bucket` is its start as an ISO 8601 UTC string. */
export interface TimeBucketResult {
  bucket: string
  entity_id: string
  /** The aggregate, or `null` for an empty (gap-filled) bucket. */
  value: number | null
  /** Rows in the bucket. */
  count: number
}

/** Why one record of a batch was rejected. */
export interface RecordError {
  /** Position of the record in the input array. */
  index: number
  /** Path of the offending field, e.g. `value2` or `metadata.tags[3]`. */
  field: string
  /** The error code (`VALIDATION_ERROR`). */
  code: string
  message: string
}

/** Options of `insertManyRecords`. */
export interface InsertManyOptions {
  /**
   * `false` (default): validate the whole batch first, write nothing if any record is invalid
   * (a `ValidationError` is thrown). `true`: write the valid records and report the invalid ones.
   */
  skipInvalid?: boolean
  /** Rows per statement (default 10,000). */
  chunkSize?: number
  /**
   * How rows travel. `'auto'` (default): on a postgres.js database, one plain `COPY` into the
   * table, and the `'copy'` path when a key already exists (the failed COPY wrote nothing but
   * leaves a unique-violation ERROR in the server log; later calls on that pool then take the
   * `'copy'` path directly for a while); on the embedded PGlite, one plain COPY from a Blob, else
   * `'unnest'` the same way; `'unnest'` on any other driver and inside a transaction.
   * `'copy'`: COPY into a temporary staging table, then one `INSERT ... SELECT ... ON CONFLICT`
   * (postgres.js only; never an error in the server log). `'unnest'`: `INSERT ... SELECT * FROM
   * unnest(...)` with one array parameter per column (every driver).
   */
  method?: 'auto' | 'copy' | 'unnest'
  /**
   * Connections writing at once (default 1, at most 16). With 1 the whole call is one transaction:
   * all or nothing. With more, each chunk commits on its own, and a failure part-way throws a
   * `BatchError` saying how many rows were and were not written; re-running the same call
   * converges (writes are upserts). Not inside a transaction.
   */
  parallel?: number
}

/** What `insertManyRecords` did. */
export interface BatchResult {
  /** Records given. */
  total: number
  /** Rows inserted or updated (after collapsing duplicate keys within the batch). */
  written: number
  /** Records superseded by a later record with the same `(entity_id, time)` in the same batch. */
  duplicates: number
  /** Records rejected by validation (only with `skipInvalid: true`). */
  failed: number
  /** Why each rejected record was rejected. */
  errors: RecordError[]
  durationMs: number
}

/** The record with the newest `time` of one entity. */
export type LatestValue = StoredRecord

/** Options of `streamRecords`. */
export interface StreamOptions {
  /** Rows fetched per round trip (default 1000, at most {@link MAX_LIMIT}). */
  pageSize?: number
  /** `'asc'` (oldest first, the default for streaming) or `'desc'`. */
  order?: SortOrder
}

/** An entity as read back; timestamps as ISO 8601 UTC strings. */
export interface EntityRecord {
  entity_id: string
  entity_type: string
  name: string | null
  is_active: boolean
  metadata: Metadata | null
  created_at: string
  updated_at: string
}

/** An entity to create or update; `entity_id` is generated (cuid2) when omitted. */
export interface EntityInput {
  entity_id?: string
  entity_type: string
  name?: string | null
  is_active?: boolean
  metadata?: Metadata | null
}

/** Filters of `listEntities`. */
export interface ListEntitiesOptions {
  entityType?: string
  isActive?: boolean
  /** Default 1000, at most {@link MAX_LIMIT}. */
  limit?: number
  offset?: number
}

/** Result of `healthCheck()`: it never throws. */
export interface HealthCheckResult {
  isHealthy: boolean
  responseTimeMs: number
  version?: string
  timescaledbVersion?: string | null
  license?: string | null
  database?: string
  timestamp: Date
  connection: { host: string; port: number; ssl: boolean }
  errors?: string[]
  /** With read replicas: the primary, then each replica (see docs/replicas.md). */
  nodes?: NodeHealth[]
}

/** One database node of a client with read replicas, as `healthCheck()` reports it. */
export interface NodeHealth {
  role: 'primary' | 'replica'
  host: string
  port: number
  /** The primary: reachable and migrated. A replica: reachable, in recovery, within `maxReplicaLagSeconds`. */
  healthy: boolean
  /** How far behind the primary its data may be, in seconds (an upper bound; 0 for the primary; `null` when unknown). */
  lagSeconds: number | null
  /** Lag-tolerant reads routed to this node since the client was made (fallbacks to the primary included). */
  reads: number
  /** When the node was last checked (`null`: not yet). */
  checkedAt: Date | null
  error?: string
}

/** Where a read goes: what `client.routeFor(operation)` answers. */
export interface ReadRoute {
  role: 'primary' | 'replica'
  host: string
  port: number
}

/** Read replicas of the primary (connecting factories only); see docs/replicas.md. */
export interface ReplicaOptions {
  /**
   * `postgres://` URLs of streaming replicas of the primary. Reads that tolerate lag
   * (`getRecords`, `getLatestValues`, `getAggregate`, `getTimeBuckets`, `streamRecords`) go to a
   * healthy one, round-robin; everything else goes to the primary.
   */
  replicas?: readonly string[]
  /** A replica whose data may be older than this many seconds is skipped (default 30). */
  maxReplicaLagSeconds?: number
  /** How long a replica's health check result is used before it is checked again, in ms (default 5,000). */
  replicaHealthCheckIntervalMs?: number
}

/** Retry of connection failures, serialization failures and deadlocks (idempotent operations only). */
export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0 disables). */
  maxRetries?: number
  /** First backoff in milliseconds (default 100), doubled each retry, with full jitter. */
  retryBaseDelayMs?: number
  /** Largest backoff in milliseconds (default 5000). */
  retryMaxDelayMs?: number
}

/** Connection pool options (postgres.js), in the design's names; times in seconds. */
export interface ConnectionOptions {
  /** Pool size (default 10). */
  maxConnections?: number
  /** Seconds before a connection is replaced (default 3600). */
  maxLifetime?: number
  /** Seconds an idle connection is kept (default 0: forever). */
  idleTimeout?: number
  /** Seconds to wait while connecting (default 30). */
  connectTimeout?: number
  /** TLS: `true`, `'require'`, `'prefer'`, `'verify-full'`, or tls.connect options. */
  ssl?: boolean | 'require' | 'allow' | 'prefer' | 'verify-full' | Record<string, unknown>
}

/** Options of every `ClientFactory` method. */
export interface ClientConfig extends ConnectionOptions, RetryOptions, ReplicaOptions {
  /** Default `limit` of range reads (default 1000). */
  defaultLimit?: number
  /**
   * Seconds a call may wait for a free pooled connection before it fails with a `ConnectionError`
   * coded `CONNECTION_TIMEOUT` (not retried; nothing was sent). Default: no limit, calls queue as
   * long as it takes. Counts the client's own calls only (not queries through `client.db`, nor
   * reads routed to replicas); `insertManyRecords` with `parallel: n` takes n connections.
   */
  acquireTimeout?: number
}

/** Connection parameters for `ClientFactory.fromConfig`. */
export interface ConnectionConfig extends ConnectionOptions {
  host?: string
  port?: number
  database?: string
  username?: string
  password?: string
}
