import { is, type SQL, sql } from 'drizzle-orm'
import { PgColumn } from 'drizzle-orm/pg-core'
import { invalid } from '../validation/invalid.ts'

/** The aggregate functions a continuous aggregate can roll up exactly to a coarser bucket. */
export type MeasureKind = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'first' | 'last' | 'variance' | 'stddev' | 'sql'

/**
 * One column of a continuous aggregate: an aggregate of a column of the hypertable. `TData` is
 * its TypeScript type in the aggregate's `view`.
 */
export interface Measure<TData = unknown, TNotNull extends boolean = boolean> {
  readonly kind: MeasureKind
  /** The hypertable's column, or `null` for `count()` (all rows) and `sql` measures. */
  readonly column: PgColumn | null
  /** Its SQL type in the view. */
  readonly sqlType: string
  readonly notNull: TNotNull
  /** Decodes a driver value (numbers of `count`, `sum`, `avg` come as text from some drivers). */
  readonly decode: (value: unknown) => TData
  /** For `sql` measures: the aggregate expression. */
  readonly expression?: SQL
}

type DataOf<C extends PgColumn> = C['_']['data']
const toNumber = (value: unknown): number => (typeof value === 'number' ? value : Number(value))

function columnOf(column: unknown, what: string): PgColumn {
  if (!is(column, PgColumn)) throw invalid('measures', `${what}() takes a column of the hypertable (a Drizzle column object)`)
  return column
}
const numericResult = (column: PgColumn): string => (/^(double|real)/.test(column.getSQLType()) ? 'double precision' : 'numeric')

/**
 * `count(*)`, or `count(column)` (its non-null values). Rolled up as a sum.
 *
 * @example
 * ```ts
 * measures: { readings: measure.count(), with_temperature: measure.count(readings.temperature) }
 * ```
 */
export function count(column?: PgColumn): Measure<number, true> {
  return {
    kind: 'count',
    column: column === undefined ? null : columnOf(column, 'count'),
    sqlType: 'bigint',
    notNull: true,
    decode: toNumber,
  }
}

/** `sum(column)`, rolled up as a sum. */
export function sum<C extends PgColumn>(column: C): Measure<number, false> {
  const c = columnOf(column, 'sum')
  return { kind: 'sum', column: c, sqlType: numericResult(c), notNull: false, decode: toNumber }
}

/**
 * `avg(column)`. An average of averages is not an average: a coarser aggregate on this one
 * rolls it up from `sum(column)` and `count(column)`, which must be measures here too.
 */
export function avg<C extends PgColumn>(column: C): Measure<number, false> {
  const c = columnOf(column, 'avg')
  return { kind: 'avg', column: c, sqlType: numericResult(c), notNull: false, decode: toNumber }
}

/** A measure whose value has its column's type, decoded by the column: min, max, first, last. */
function ofColumnType<C extends PgColumn>(kind: 'min' | 'max' | 'first' | 'last', column: C): Measure<DataOf<C>, false> {
  const c = columnOf(column, kind)
  return { kind, column: c, sqlType: c.getSQLType(), notNull: false, decode: (v) => c.mapFromDriverValue(v) as DataOf<C> }
}

/** `min(column)`, rolled up as the minimum. */
export function min<C extends PgColumn>(column: C): Measure<DataOf<C>, false> {
  return ofColumnType('min', column)
}

/** `max(column)`, rolled up as the maximum. */
export function max<C extends PgColumn>(column: C): Measure<DataOf<C>, false> {
  return ofColumnType('max', column)
}

/** TimescaleDB's `first(column, time)`: the value at the earliest time of the bucket. */
export function first<C extends PgColumn>(column: C): Measure<DataOf<C>, false> {
  return ofColumnType('first', column)
}

/** TimescaleDB's `last(column, time)`: the value at the latest time of the bucket. */
export function last<C extends PgColumn>(column: C): Measure<DataOf<C>, false> {
  return ofColumnType('last', column)
}

/**
 * The sample variance `var_samp(column)`, in double precision. A coarser aggregate rolls it up
 * exactly in arithmetic and stably in floating point: each finer bucket's count, sum and squared
 * deviations (`variance x (n - 1)`) are merged pairwise as PostgreSQL merges parallel workers'
 * states (Chan's parallel algorithm, `float8_combine`), never as a sum of squares. The finer level
 * needs `count(column)` (or `count()` for a NOT NULL column), `sum(column)`, and `variance` or
 * `stddev` of the column. The bound on large-mean, small-spread data is in docs/toolkit.md.
 *
 * @example
 * ```ts
 * measures: { n: measure.count(prices.price), total: measure.sum(prices.price), var: measure.variance(prices.price) }
 * ```
 */
export function variance<C extends PgColumn>(column: C): Measure<number, false> {
  return { kind: 'variance', column: columnOf(column, 'variance'), sqlType: 'double precision', notNull: false, decode: toNumber }
}

/** The sample standard deviation `stddev_samp(column)`, rolled up like {@link variance} (never as an average of deviations). */
export function stddev<C extends PgColumn>(column: C): Measure<number, false> {
  return { kind: 'stddev', column: columnOf(column, 'stddev'), sqlType: 'double precision', notNull: false, decode: toNumber }
}

/**
 * The measures of a candlestick (OHLC) per bucket: `open` (first), `high` (max), `low` (min),
 * `close` (last) of a price column, and `volume` (a sum) when a volume column is given. Spread it
 * into `measures`; every one of them rolls up exactly to coarser buckets.
 *
 * @example
 * ```ts
 * measures: { ...measure.ohlc(trades.price, trades.size), trades: measure.count() }
 * ```
 */
export function ohlc<P extends PgColumn>(price: P): Candle<P>
export function ohlc<P extends PgColumn>(price: P, volume: PgColumn): Candle<P> & { volume: Measure<number, false> }
export function ohlc<P extends PgColumn>(price: P, volume?: PgColumn): Candle<P> & { volume?: Measure<number, false> } {
  const candle: Candle<P> = { open: first(price), high: max(price), low: min(price), close: last(price) }
  return volume === undefined ? candle : { ...candle, volume: sum(volume) }
}

/** What {@link ohlc} gives: the four prices of a candlestick, typed as the price column. */
export type Candle<P extends PgColumn> = {
  open: Measure<DataOf<P>, false>
  high: Measure<DataOf<P>, false>
  low: Measure<DataOf<P>, false>
  close: Measure<DataOf<P>, false>
}

/**
 * The aggregate columns of a continuous aggregate, by function: `measure.avg(readings.temperature)`.
 * (A namespace, so they do not clash with drizzle-orm's `avg`, `count`, ... of a query.)
 */
export const measure = { count, sum, avg, min, max, first, last, variance, stddev, ohlc, sql: aggregateSql } as const

/**
 * Any aggregate expression written with Drizzle's `sql` over the hypertable's columns, with its
 * SQL type. It cannot be rolled up: a coarser aggregate on this one refuses it.
 *
 * @example
 * ```ts
 * measures: { p95: measure.sql<number>(sql`percentile_cont(0.95) within group (order by ${readings.temperature})`, 'double precision') }
 * ```
 */
export function aggregateSql<TData = unknown>(expression: SQL, sqlType: string, decode?: (value: unknown) => TData): Measure<TData, false> {
  if (!/^[a-z][a-z0-9 ()[\],_]*$/i.test(sqlType))
    throw invalid('measures', `aggregateSql() needs a SQL type name such as 'double precision'`)
  return { kind: 'sql', column: null, sqlType, notNull: false, decode: decode ?? ((v) => v as TData), expression }
}

/**
 * A measure's aggregate expression over the hypertable's rows (`time` is its time column, for
 * `first`/`last`): what a continuous aggregate's first level and a raw bucket query compute.
 *
 * @example
 * ```ts
 * measureExpression(measure.last(readings.temperature), readings.time) // last("temperature", "time")
 * ```
 */
export function measureExpression(measure: Measure, time: PgColumn | SQL | SQL.Aliased | ReturnType<typeof sql.identifier>): SQL {
  const column = measure.column
  switch (measure.kind) {
    case 'count':
      return column ? sql`count(${column})` : sql`count(*)`
    case 'first':
    case 'last':
      return sql`${sql.raw(measure.kind)}(${column}, ${time})`
    case 'variance':
      return sql`var_samp(${column}::double precision)`
    case 'stddev':
      return sql`stddev_samp(${column}::double precision)`
    case 'sql':
      return measure.expression as SQL
    default:
      return sql`${sql.raw(measure.kind)}(${column})`
  }
}
