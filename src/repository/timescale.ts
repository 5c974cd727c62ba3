import type { PgTable } from 'drizzle-orm/pg-core'
import type { AnyPgDatabase } from '../internal/any-pg-database.ts'
import type { AnyContinuousAggregate } from '../toolkit/continuous-aggregate.ts'
import type { ColumnKey, Hypertable } from '../toolkit/hypertable.ts'
import type { Measure } from '../toolkit/measures.ts'
import { invalid } from '../validation/invalid.ts'
import type { BatchResult, InsertManyOptions } from '../vocabulary/write-options.ts'
import { aggregateRows } from './aggregate-rows.ts'
import { bucketRows, checkBucketQuery } from './bucket-rows.ts'
import { insertRows } from './insert-rows.ts'
import { latestRows } from './latest-rows.ts'
import { rangeRows } from './range-rows.ts'
import { streamRows } from './stream-rows.ts'
import { tableShape } from './table-shape.ts'

type Row<T extends PgTable> = T['$inferSelect']
/** A time bound: a `Date`, or a string in the time column's input form (an ISO 8601 instant with its offset for `timestamptz`). */
export type TimeBound = Date | string
/** Equal column values a read selects by: a value, an array of values (any of them), or `null`. */
export type Where<T extends PgTable> = { [K in ColumnKey<T>]?: Row<T>[K] | readonly NonNullable<Row<T>[K]>[] | null }
type MeasureData<M> = M extends Measure<infer D, infer N> ? (N extends true ? D : D | null) : never
/** The values of named measures. */
export type MeasureValues<M extends Record<string, Measure>> = { [K in keyof M]: MeasureData<M[K]> }

/** What `range` takes. */
export interface RangeQuery<T extends PgTable> {
  where?: Where<T>
  /** Start of the range (included). */
  from: TimeBound
  /** End of the range (excluded). */
  to: TimeBound
  /** By time: `'desc'` (default, newest first) or `'asc'`. */
  order?: 'asc' | 'desc'
  /** At most this many rows (1..10,000, default 1,000); read more with `stream`. */
  limit?: number
}

/** What `stream` takes. */
export interface StreamQuery<T extends PgTable> {
  where?: Where<T>
  from: TimeBound
  to: TimeBound
  /** By time: `'asc'` (default, oldest first) or `'desc'`. */
  order?: 'asc' | 'desc'
  /** Rows per query (1..100,000, default 1,000). */
  pageSize?: number
}

/** What `latest` takes. */
export interface LatestQuery<T extends PgTable> {
  /** The columns that identify a series; default: the key without its time column. */
  by?: ColumnKey<T>[]
  /** The series wanted (values of the one `by` column, or objects of the `by` columns); default: every series. */
  keys?: readonly (string | number | bigint | boolean | Partial<Row<T>>)[]
  where?: Where<T>
  /** Only rows from this instant on: bounds the chunks read. */
  since?: TimeBound
  /** At most this many rows (default 10,000, at most 100,000). */
  limit?: number
}

/** What `buckets` takes. */
export interface BucketsQuery<T extends PgTable, M extends Record<string, Measure>, G extends ColumnKey<T>> {
  /** The bucket width: `'15 minutes'`, `'1 day'`, `'1 month'`. */
  width: string
  from: TimeBound
  to: TimeBound
  where?: Where<T>
  /** Columns to group by besides the bucket. */
  groupBy?: readonly G[]
  /** The values per bucket: `{ avg_temp: measure.avg(readings.temperature), n: measure.count() }`. */
  measures: M
  /** Buckets in this time zone (a `timestamptz` time column only); default UTC. */
  timeZone?: string
  /** By bucket: `'desc'` (default) or `'asc'`; then by the group-by columns. */
  order?: 'asc' | 'desc'
  /** At most this many rows (1..10,000, default 1,000). */
  limit?: number
}

/** One bucket: its start (the time column's type), the group-by values and the measures. */
export type BucketRow<T extends PgTable, TTime extends ColumnKey<T>, G extends ColumnKey<T>, M extends Record<string, Measure>> = {
  bucket: Row<T>[TTime]
} & { [K in G]: Row<T>[K] } & MeasureValues<M>

/** What `aggregate` takes. */
export interface AggregateQuery<T extends PgTable, M extends Record<string, Measure>> {
  from: TimeBound
  to: TimeBound
  where?: Where<T>
  measures: M
}

/** What `timescale()` takes besides the declaration. */
export interface TimescaleOptions<T extends PgTable> {
  /**
   * The continuous aggregates declared on this hypertable (hierarchical ones included) that
   * `buckets` may answer from, where the answer is provably the raw query's: a width that is a
   * multiple of the aggregate's bucket, a range on its bucket boundaries, `where`/`groupBy` on its
   * group-by columns, measures it can derive exactly, and no change waiting for a refresh.
   */
  aggregates?: readonly AnyContinuousAggregate<T>[]
}

/** A declared hypertable's reads and writes through the package's engine. */
export interface HypertableHandle<T extends PgTable, TTime extends ColumnKey<T> = ColumnKey<T>> {
  readonly hypertable: Hypertable<T, TTime>
  /**
   * Writes rows with upsert semantics on the table's key (its primary key, else its first unique
   * constraint; a table without one gets plain inserts), as `insertManyRecords` writes
   * `time_series_data`: plain COPY while every key is new, a staging upsert on a conflict, unnest
   * where COPY is not available; transactions cut by chunk for any span, statements sized under
   * the decompression limit for compressed chunks; rows with the same key collapsed (the last one
   * wins); every row checked against its columns first (nothing written if one is invalid, unless
   * `skipInvalid`).
   */
  insertMany(rows: readonly T['$inferInsert'][], options?: InsertManyOptions): Promise<BatchResult>
  /** Rows in `[from, to)` matching `where`, by time. */
  range(query: RangeQuery<T>): Promise<Row<T>[]>
  /** Every row in `[from, to)` matching `where`, page by page, in constant memory. */
  stream(query: StreamQuery<T>): AsyncGenerator<Row<T>, void, undefined>
  /** The newest row of each series (given keys, in their order; or every series, in key order). */
  latest(query?: LatestQuery<T>): Promise<Row<T>[]>
  /** Measures per time bucket (and group-by columns); from a declared aggregate where that is provably the same answer. */
  buckets<const M extends Record<string, Measure>, const G extends ColumnKey<T> = never>(
    query: BucketsQuery<T, M, G>,
  ): Promise<BucketRow<T, TTime, G, M>[]>
  /** Measures over `[from, to)` matching `where`, as one object. */
  aggregate<const M extends Record<string, Measure>>(query: AggregateQuery<T, M>): Promise<MeasureValues<M>>
}

/**
 * The engine of the package for a hypertable declared with `hypertable()`: typed writes at COPY
 * speed with upsert semantics, and reads by key and time. Rows are the table's own
 * (`$inferInsert` in, `$inferSelect` out; times keep their microseconds in `mode: 'string'`
 * columns). Arguments are checked first: a `ValidationError` names the field (`rows[3].price`,
 * `where.symbol`, `from`), and nothing is sent.
 *
 * @example
 * ```ts
 * import { measure, hypertable } from 'drizzle-timescale/toolkit'
 * import { timescale } from 'drizzle-timescale'
 *
 * const prices = timescale(db, stockPricesHypertable, { aggregates: [daily, monthly] })
 * await prices.insertMany([{ symbol: 'AAPL', time: '2024-01-02T14:30:00Z', price: 185.64 }])
 * const day = await prices.range({ where: { symbol: 'AAPL' }, from: '2024-01-02T00:00:00Z', to: '2024-01-03T00:00:00Z' })
 * const newest = await prices.latest() // the newest row of every symbol
 * const monthly = await prices.buckets({
 *   width: '1 month', from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z',
 *   groupBy: ['symbol'], measures: { high: measure.max(stockPrices.price) },
 * })
 * ```
 */
export function timescale<T extends PgTable, TTime extends ColumnKey<T>>(
  db: AnyPgDatabase,
  hypertable: Hypertable<T, TTime>,
  options: TimescaleOptions<T> = {},
): HypertableHandle<T, TTime> {
  const aggregates = [...(options.aggregates ?? [])] as unknown as AnyContinuousAggregate[]
  aggregates.forEach((a, i) => {
    if (a.root.table !== hypertable.table)
      throw invalid(`aggregates[${i}]`, `must be an aggregate of ${hypertable.key} (it aggregates ${a.spec.hypertable})`)
  })
  const shape = tableShape(hypertable as unknown as Hypertable)
  const table = hypertable.table
  return {
    hypertable,
    insertMany: (rows, options) => insertRows(db, shape, rows, options, 'insertMany'),
    range: (query) => rangeRows(db, shape, query),
    stream: (query) => streamRows(db, shape, query),
    latest: (query) => latestRows(db, shape, query ?? {}),
    buckets: (query) => bucketRows(db, shape, checkBucketQuery(shape, table, query), aggregates),
    aggregate: (query) => aggregateRows(db, shape, table, query),
  }
}
