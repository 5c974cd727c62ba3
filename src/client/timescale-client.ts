import type { PgDatabase, PgQueryResultHKT, PgTable } from 'drizzle-orm/pg-core'
import type { ClientConfig, HealthCheckResult, ReadRoute } from '../client/client-types.ts'
import { ErrorCodes, TimescaleClientError } from '../errors.ts'
import { driverOf } from '../internal/driver.ts'
import type { AnyPgDatabase } from '../internal/query-rows.ts'
import {
  deactivateEntity,
  getAggregate,
  getEntity,
  getLatestValues,
  getRecords,
  getTimeBuckets,
  insertManyRecords,
  insertRecord,
  listEntities,
  streamRecords,
  upsertEntity,
} from '../repository/index.ts'
import { streamRows } from '../repository/stream-rows.ts'
import { tableShape } from '../repository/table-shape.ts'
import { type HypertableHandle, type TimescaleOptions, timescale } from '../repository/timescale.ts'
import type * as schema from '../schema/index.ts'
import type { ColumnKey, Hypertable } from '../toolkit/hypertable.ts'
import { isPlainObject } from '../validation/invalid.ts'
import { validateNumber } from '../validation/validate-number.ts'
import type { EntityInput, EntityRecord, ListEntitiesOptions } from '../vocabulary/entity-types.ts'
import type {
  AggregateFunction,
  RecordRange,
  StreamOptions,
  TimeBucketOptions,
  TimeBucketResult,
  TimeRange,
  ValueColumn,
} from '../vocabulary/read-options.ts'
import type { LatestValue, StoredRecord, TimeSeriesRecord } from '../vocabulary/record-types.ts'
import type { BatchResult, InsertManyOptions } from '../vocabulary/write-options.ts'
import { AcquireGate } from './acquire-gate.ts'
import { type ResolvedClientConfig, resolveClientConfig } from './client-config.ts'
import { type ConnectionInfo, connectionInfoOf } from './connection-info.ts'
import { checkHealth, type HealthCheckOptions } from './health-check.ts'
import type { OPERATIONS, Operation, PrimaryOperation, ReplicaRead } from './operations.ts'
import type { ReadRouter } from './replicas/read-router.ts'
import { resumableRecordStream } from './resumable-record-stream.ts'
import { retryStream } from './retry-stream.ts'
import { withRetry } from './with-retry.ts'

/** Seconds `close()` waits for running queries by default. */
const DEFAULT_CLOSE_TIMEOUT_SECONDS = 5

/** A Drizzle database with the package's tables in its schema (any driver). */
export type TimescaleDatabase = PgDatabase<PgQueryResultHKT, typeof schema>

/** What a factory hands to the {@link TimescaleClient} it builds. */
export interface TimescaleClientInit {
  /** Retry options and `defaultLimit` (connection options are the factory's business). */
  config?: ClientConfig
  /** Where the database is, for `healthCheck()`; read from `db.$client` when omitted. */
  connection?: ConnectionInfo
  /**
   * Releases what the client owns (the pool), waiting at most `timeoutSeconds` for running
   * queries; omitted when the caller owns the database.
   */
  release?: (timeoutSeconds: number) => Promise<void>
  /** Routes lag-tolerant reads to read replicas (made by the connecting factories from `replicas`). */
  reads?: ReadRouter<AnyPgDatabase>
  /**
   * Connections of the pool `db` runs on, for `acquireTimeout`; read from a postgres.js `db.$client`
   * when omitted, else `maxConnections`, else 10.
   */
  poolSize?: number
  /** Another client's connection queue and closed state, to share (the view of `client.primary`). */
  shared?: { gate: AcquireGate | undefined; closed: AbortController }
}

/**
 * The design's client: every repository operation bound to one Drizzle database, with retries of
 * broken connections, serialization failures and deadlocks (every operation is idempotent: writes
 * are upserts). Build one with {@link ClientFactory}; reach the database itself through `db` for
 * queries of your own.
 *
 * After `close()`, every method throws a `TimescaleClientError` with code `CLIENT_CLOSED`
 * (`healthCheck()` reports it instead).
 *
 * @example
 * ```ts
 * import { ClientFactory } from 'drizzle-timescale'
 *
 * await using client = await ClientFactory.fromConnectionString(process.env.DATABASE_URL!)
 * await client.insertRecord({ entity_id: 'sensor-1', time: new Date(), value: 23.5, value2: 65.2 })
 * const avg = await client.getAggregate('sensor-1', 'avg', 'value', { from: '2024-01-01T00:00:00Z', to: new Date() })
 * ```
 */
export class TimescaleClient<TDb extends AnyPgDatabase = TimescaleDatabase> implements AsyncDisposable {
  readonly #db: TDb
  readonly #config: ResolvedClientConfig
  readonly #connection: ConnectionInfo
  readonly #release: ((timeoutSeconds: number) => Promise<void>) | undefined
  readonly #closed: AbortController
  #closing: Promise<void> | undefined
  readonly #init: TimescaleClientInit
  readonly #reads: ReadRouter<TDb> | undefined
  readonly #routedDb: TDb | undefined
  #primaryView: TimescaleClient<TDb> | undefined
  readonly #gate: AcquireGate | undefined

  /** Prefer {@link ClientFactory}; this wraps `db` without checking the connection. */
  constructor(db: TDb, init: TimescaleClientInit = {}) {
    this.#config = resolveClientConfig(init.config)
    this.#db = db
    const driver = driverOf(db)
    this.#connection = { ...(init.connection ?? connectionInfoOf(driver.client)) }
    this.#release = init.release
    this.#init = init
    this.#reads = init.reads as ReadRouter<TDb> | undefined
    this.#routedDb = this.#reads?.drizzle()
    if (init.shared) {
      this.#gate = init.shared.gate
      this.#closed = init.shared.closed
    } else {
      this.#closed = new AbortController()
      const poolSize =
        init.poolSize ?? postgresPoolSize(driver.name === 'postgres-js' ? driver.client : undefined) ?? init.config?.maxConnections ?? 10
      this.#gate = this.#config.acquireTimeoutMs === undefined ? undefined : new AcquireGate(poolSize, this.#config.acquireTimeoutMs)
    }
  }

  /**
   * The Drizzle database, typed with the package's schema, for queries of your own.
   *
   * @example
   * ```ts
   * import { eq } from 'drizzle-orm'
   * import { entities } from 'drizzle-timescale/schema'
   *
   * const sensors = await client.db.select().from(entities).where(eq(entities.entity_type, 'sensor'))
   * ```
   */
  get db(): TDb {
    this.#assertOpen()
    return this.#routedDb ?? this.#db
  }

  /**
   * With read replicas: this client with every read on the primary, for reads that must see the
   * client's own writes (read-your-writes). It shares the pools; closing either closes both.
   * Without replicas it is the client itself.
   *
   * @example
   * ```ts
   * await client.insertRecord(record)
   * const [latest] = await client.primary.getLatestValues([record.entity_id])
   * ```
   * @see docs/replicas.md
   */
  get primary(): TimescaleClient<TDb> {
    if (!this.#reads) return this
    // One pool, one acquireTimeout queue, one closed state: closing either closes both.
    this.#primaryView ??= new TimescaleClient(this.#db, {
      ...this.#init,
      reads: undefined,
      release: (timeout) => this.close({ timeout }),
      shared: { gate: this.#gate, closed: this.#closed },
    })
    return this.#primaryView
  }

  /**
   * Where a call of `operation` (a method name) would go now: a replica for a lag-tolerant read
   * when one is healthy, else the primary. Nothing is queried.
   *
   * @example
   * ```ts
   * client.routeFor('getRecords') // { role: 'replica', host: 'replica-1', port: 5432 }
   * client.routeFor('insertRecord') // { role: 'primary', ... }
   * ```
   */
  routeFor(operation: string): ReadRoute {
    if (this.#reads) return this.#reads.routeFor(operation)
    return { role: 'primary', host: this.#connection.host, port: this.#connection.port }
  }

  /** `true` once `close()` was called. */
  get closed(): boolean {
    return this.#closed.signal.aborted
  }

  /**
   * Writes one record; an existing `(entity_id, time)` is overwritten (upsert).
   *
   * @example
   * ```ts
   * await client.insertRecord({ entity_id: 'server_prod_01', time: '2024-01-15T10:30:00Z', value: 75.2, value2: 8.1 })
   * ```
   */
  insertRecord(record: TimeSeriesRecord): Promise<void> {
    return this.#run('insertRecord', () => insertRecord(this.#db, record))
  }

  /**
   * Writes any number of records (upserts, in chunks). By default the whole batch is validated
   * first and nothing is written if a record is invalid; `{ skipInvalid: true }` writes the valid
   * ones and reports the others in `errors`.
   *
   * @example
   * ```ts
   * const { written, failed, errors } = await client.insertManyRecords(records, { skipInvalid: true })
   * ```
   */
  insertManyRecords(records: readonly TimeSeriesRecord[], options?: InsertManyOptions): Promise<BatchResult> {
    const connections = typeof options?.parallel === 'number' ? options.parallel : 1
    return this.#run('insertManyRecords', () => insertManyRecords(this.#db, records, options), connections)
  }

  /**
   * Records of one entity in `[from, to)`, newest first unless `order: 'asc'`; at most `limit`
   * (default: the client's `defaultLimit`, 1000).
   *
   * @example
   * ```ts
   * const rows = await client.getRecords('sensor-1', { from: '2024-01-15T00:00:00Z', to: '2024-01-16T00:00:00Z', limit: 100 })
   * ```
   */
  getRecords(entityId: string, range: RecordRange): Promise<StoredRecord[]> {
    return this.#read('getRecords', (db) => getRecords(db, entityId, this.#withLimit(range)))
  }

  /**
   * The newest record of each entity that has data (entities without data are left out).
   *
   * @example
   * ```ts
   * const latest = await client.getLatestValues(['sensor-1', 'sensor-2'])
   * ```
   */
  getLatestValues(entityIds: readonly string[]): Promise<LatestValue[]> {
    return this.#read('getLatestValues', (db) => getLatestValues(db, entityIds))
  }

  /**
   * One aggregate of one column over `[from, to)`: `null` when the range is empty (`0` for `count`).
   *
   * @example
   * ```ts
   * const peak = await client.getAggregate('machine_001', 'max', 'value3', { from: shiftStart, to: shiftEnd })
   * ```
   */
  getAggregate(entityId: string, func: AggregateFunction, column: ValueColumn, range: TimeRange): Promise<number | null> {
    return this.#read('getAggregate', (db) => getAggregate(db, entityId, func, column, range))
  }

  /**
   * Aggregates per time bucket (`time_bucket`), optionally gap-filled, in a time zone, oldest or newest first.
   * `entityId` `null`: every entity, one row per bucket and entity (see the repository's `getTimeBuckets`).
   * Whole-hour buckets are read from the `hourly_metrics` continuous aggregate where that gives the same numbers.
   *
   * @example
   * ```ts
   * const hourly = await client.getTimeBuckets('api_gateway', '1 hour', range, { aggregateFunction: 'max', order: 'asc' })
   * const fleet = await client.getTimeBuckets(null, '1 hour', { from: hourAgo, to: now }, { limit: 10_000 })
   * ```
   * @see https://docs.timescale.com/api/latest/hyperfunctions/time_bucket/
   */
  getTimeBuckets(entityId: string | null, interval: string, range: TimeRange, options?: TimeBucketOptions): Promise<TimeBucketResult[]> {
    return this.#read('getTimeBuckets', (db) => getTimeBuckets(db, entityId, interval, range, this.#withBucketLimit(options)))
  }

  /**
   * Every record of one entity in `[from, to)`, page by page with constant memory (oldest first
   * unless `order: 'desc'`). A page that fails with a broken connection is retried, and the stream
   * resumes after the last record it yielded: no record is skipped or repeated.
   *
   * @example
   * ```ts
   * for await (const record of client.streamRecords('sensor-1', { from, to }, { pageSize: 5000 })) process(record)
   * ```
   */
  streamRecords(entityId: string, range: TimeRange, options?: StreamOptions): AsyncIterable<StoredRecord> {
    this.#assertOpen()
    const openRange = (r: TimeRange) => this.#readStream((db) => streamRecords(db, entityId, r, options))
    // The first page's stream is made now, so that invalid arguments throw here.
    const resume = resumableRecordStream(openRange(range), range, options, openRange)
    const open = (last: StoredRecord | undefined) => {
      this.#assertOpen()
      return resume(last)
    }
    return this.#guardStream(retryStream(open, this.#retryOptions('streamRecords')))
  }

  /**
   * A declared hypertable's handle (see `timescale()`) whose operations run as the client's own:
   * retried with backoff on a broken connection, counted by `acquireTimeout`, and the reads
   * (`range`, `latest`, `buckets`, `aggregate`, `stream`) on a healthy read replica when the client
   * has some. Writes are upserts, so a retried `insertMany` writes nothing twice. `stream` reads the
   * primary page by page, each page retried like any call (it resumes from the last row yielded:
   * nothing twice, nothing skipped).
   *
   * @example
   * ```ts
   * const readings = client.hypertable(readingsHypertable, { aggregates: [hourly] })
   * await readings.insertMany(rows)
   * const latest = await readings.latest()
   * ```
   */
  hypertable<T extends PgTable, TTime extends ColumnKey<T>>(
    declaration: Hypertable<T, TTime>,
    options?: TimescaleOptions<T>,
  ): HypertableHandle<T, TTime> {
    this.#assertOpen()
    const on = (db: AnyPgDatabase) => timescale(db, declaration, options)
    const primary = on(this.#db)
    const shape = tableShape(declaration as unknown as Hypertable)
    return {
      hypertable: declaration,
      insertMany: (rows, o) => this.#run('insertMany', () => primary.insertMany(rows, o), typeof o?.parallel === 'number' ? o.parallel : 1),
      range: (q) => this.#read('range', (db) => on(db).range(q)),
      latest: (q) => this.#read('latest', (db) => on(db).latest(q)),
      buckets: (q) => this.#read('buckets', (db) => on(db).buckets(q)),
      aggregate: (q) => this.#read('aggregate', (db) => on(db).aggregate(q)),
      stream: (q) =>
        this.#guardStream(streamRows<T['$inferSelect']>(this.#db, shape, q, 'stream', (page) => this.#attempt('stream', page))),
    }
  }

  /**
   * Creates or updates an entity (an `entity_id` is generated when omitted) and returns it.
   *
   * @example
   * ```ts
   * const sensor = await client.upsertEntity({ entity_id: 'temp_sensor_01', entity_type: 'sensor', name: 'Warehouse A' })
   * ```
   */
  upsertEntity(entity: EntityInput): Promise<EntityRecord> {
    return this.#run('upsertEntity', () => upsertEntity(this.#db, entity))
  }

  /**
   * One entity, or `null`.
   *
   * @example
   * ```ts
   * const sensor = await client.getEntity('temp_sensor_01')
   * ```
   */
  getEntity(entityId: string): Promise<EntityRecord | null> {
    return this.#run('getEntity', () => getEntity(this.#db, entityId))
  }

  /**
   * Entities, filtered by type and/or active flag; at most `limit` (default: the client's `defaultLimit`).
   *
   * @example
   * ```ts
   * const activeSensors = await client.listEntities({ entityType: 'sensor', isActive: true })
   * ```
   */
  listEntities(options?: ListEntitiesOptions): Promise<EntityRecord[]> {
    const withLimit = withDefaultLimit(options, this.#config.defaultLimit)
    return this.#run('listEntities', () => listEntities(this.#db, withLimit))
  }

  /**
   * Marks an entity inactive; `false` when it does not exist. Its records are kept.
   *
   * @example
   * ```ts
   * await client.deactivateEntity('temp_sensor_01')
   * ```
   */
  deactivateEntity(entityId: string): Promise<boolean> {
    return this.#run('deactivateEntity', () => deactivateEntity(this.#db, entityId))
  }

  /**
   * Checks the database: versions, TimescaleDB license, database name, round-trip time, and that
   * the package's tables exist. It never throws; failures are in `errors`, with `isHealthy: false`.
   *
   * @example
   * ```ts
   * const { isHealthy, responseTimeMs, timescaledbVersion, errors } = await client.healthCheck()
   * ```
   */
  async healthCheck(options?: HealthCheckOptions): Promise<HealthCheckResult> {
    if (this.closed) {
      const message = `${ErrorCodes.CLIENT_CLOSED}: the client was closed`
      return { isHealthy: false, responseTimeMs: 0, timestamp: new Date(), connection: { ...this.#connection }, errors: [message] }
    }
    const health = await checkHealth(this.#db, this.#connection, options)
    if (!this.#reads) return health
    await this.#reads.checkAll()
    const error = health.errors?.join('; ')
    return { ...health, nodes: this.#reads.nodes({ healthy: health.isHealthy, checkedAt: health.timestamp, ...(error ? { error } : {}) }) }
  }

  /**
   * Closes the connection pool, waiting up to `timeout` seconds (default 5) for running queries
   * before dropping the connections. Idempotent (later calls return the first call's promise), and
   * it resolves even when the server is gone. A client made with `ClientFactory.fromDrizzle`
   * leaves the caller's database open.
   *
   * After a connection broke in the middle of a query, postgres.js 3.4 waits for that query
   * forever when ending the pool; `close()` then takes the whole `timeout`
   * (https://github.com/porsager/postgres/issues/1097).
   *
   * @example
   * ```ts
   * process.on('SIGTERM', () => client.close({ timeout: 10 }))
   * ```
   */
  close(options: { timeout?: number } = {}): Promise<void> {
    if (!this.#closing) {
      const timeout = validateNumber(options.timeout, 'timeout', { min: 0, max: 3600 }) ?? DEFAULT_CLOSE_TIMEOUT_SECONDS
      this.#closed.abort()
      this.#closing = (this.#release?.(timeout) ?? Promise.resolve()).catch(() => {})
    }
    return this.#closing
  }

  /** `await using client = ...` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #assertOpen(): void {
    if (this.closed) throw closedError()
  }

  #retryOptions(operation: string) {
    return { ...this.#config.retry, signal: this.#closed.signal, operation }
  }

  /** An operation that runs on the primary (see {@link OPERATIONS}). */
  #run<T>(operation: PrimaryOperation, fn: () => Promise<T>, connections = 1): Promise<T> {
    return this.#attempt(operation, fn, connections)
  }

  /** Runs `fn` with retries, on `connections` pooled connections (0: not counted by `acquireTimeout`). */
  async #attempt<T>(operation: Operation, fn: () => Promise<T>, connections = 1): Promise<T> {
    this.#assertOpen()
    const gate = connections > 0 ? this.#gate : undefined
    try {
      return await withRetry(() => {
        this.#assertOpen()
        // Each attempt waits for its connections again: a backoff holds none.
        return gate ? gate.run(connections, fn, this.#closed.signal) : fn()
      }, this.#retryOptions(operation))
    } catch (error) {
      throw this.#closedInstead(error)
    }
  }

  /** A lag-tolerant read (see {@link OPERATIONS}): on a healthy replica when there is one (see {@link ReadRouter}). */
  #read<T>(operation: ReplicaRead, fn: (db: TDb) => Promise<T>): Promise<T> {
    const reads = this.#reads
    return reads ? this.#attempt(operation, () => reads.run(fn), 0) : this.#attempt(operation, () => fn(this.#db))
  }

  #readStream(open: (db: TDb) => AsyncIterable<StoredRecord>): AsyncIterable<StoredRecord> {
    return this.#reads ? this.#reads.stream(open) : open(this.#db)
  }

  async *#guardStream<R>(stream: AsyncIterable<R>): AsyncGenerator<R, void, undefined> {
    this.#assertOpen()
    try {
      yield* stream
    } catch (error) {
      throw this.#closedInstead(error)
    }
  }

  /** A connection error caused by `close()` itself is reported as `CLIENT_CLOSED`. */
  #closedInstead(error: unknown): unknown {
    const closedByUs = this.closed && error instanceof TimescaleClientError && error.code === ErrorCodes.CONNECTION
    return closedByUs ? closedError(error) : error
  }

  #withLimit(range: RecordRange): RecordRange {
    return range === undefined ? range : withDefaultLimit(range, this.#config.defaultLimit)
  }

  #withBucketLimit(options: TimeBucketOptions | undefined): TimeBucketOptions {
    return withDefaultLimit(options, this.#config.defaultLimit) as TimeBucketOptions
  }
}

/**
 * `options` with the client's default `limit` when it sets none. Anything but a plain object is
 * passed on untouched, for the validation to refuse by its name (spreading a string or null would
 * have made `{ 0: 's', ... }` or thrown a TypeError).
 */
function withDefaultLimit<T>(options: T, limit: number): T {
  if (options === undefined) return { limit } as T
  return isPlainObject(options) && options.limit === undefined ? ({ ...options, limit } as T) : options
}

function closedError(cause?: unknown): TimescaleClientError {
  return new TimescaleClientError('the client was closed', ErrorCodes.CLIENT_CLOSED, cause === undefined ? {} : { cause })
}

/** `max` of a postgres.js pool, or `undefined` for another driver. */
function postgresPoolSize(client: unknown): number | undefined {
  const max = typeof client === 'function' ? (client as { options?: { max?: unknown } }).options?.max : undefined
  return typeof max === 'number' && max >= 1 ? max : undefined
}
