import { getTableColumns, type SQL, sql } from 'drizzle-orm'
import type { BuildColumns } from 'drizzle-orm/column-builder'
import {
  type ConvertCustomConfig,
  customType,
  type PgColumn,
  type PgColumnBuilderBase,
  type PgCustomColumnBuilder,
  type PgMaterializedViewWithSelection,
  type PgTable,
  pgMaterializedView,
  pgSchema,
} from 'drizzle-orm/pg-core'
import { invalid } from '../validation/invalid.ts'
import { minimumMicroseconds, validateInterval } from '../validation/validate-interval.ts'
import { validateTimeZone } from '../validation/validate-time-zone.ts'
import { DECLARATION, type DeclarationBase } from './declaration-brand.ts'
import type { ColumnKey, Hypertable } from './hypertable.ts'
import { checkIdentifier } from './identifier.ts'
import { type Measure, type MeasureKind, measureExpression } from './measures.ts'
import { rollupExpression } from './rollup-expression.ts'
import { sqlText } from './sql-text.ts'

/** When and over which window the scheduler refreshes an aggregate: `[now - startOffset, now - endOffset)` every `every`. */
export interface RefreshPolicy {
  /** How far back a refresh reaches; `null`: from the oldest data. */
  startOffset: string | null
  /** How recent the newest refreshed bucket may be (buckets still receiving rows stay real-time). */
  endOffset: string
  /** How often the scheduler refreshes. */
  every: string
}

/** What `continuousAggregate()` takes. */
export interface ContinuousAggregateOptions<
  TTable extends PgTable,
  TGroup extends ColumnKey<TTable>,
  TMeasures extends Record<string, Measure>,
  TBucket extends string,
> {
  /** The hypertable it aggregates, or a finer continuous aggregate (a hierarchical aggregate). */
  from: Hypertable<TTable> | AnyContinuousAggregate<TTable>
  /** The bucket width: `'1 hour'`. On an aggregate, a multiple of its bucket. */
  bucket: string
  /** The bucket column's name. Default `bucket`. */
  bucketColumn?: TBucket
  /** Buckets in this time zone (`time_bucket(width, time, zone)`); default UTC. */
  timeZone?: string
  /** Hypertable columns to group by, besides the bucket (on an aggregate: among its own). */
  groupBy?: readonly TGroup[]
  /** The aggregate columns, by name: `{ avg_temp: measure.avg(readings.temperature), readings: measure.count() }`. */
  measures: TMeasures
  /** Real-time: rows newer than the last refresh are aggregated at query time. Default `false` (TimescaleDB's). */
  realTime?: boolean
  /** The refresh policy; default: none (refresh by hand or in your own job). */
  refresh?: RefreshPolicy | null
  /**
   * The aggregate's own columnstore (compression): chunks of its materialization older than
   * `after` are compressed by a policy, segmented by the group-by columns and ordered by bucket
   * (TimescaleDB's defaults for an aggregate). With a refresh policy, `after` must reach further
   * back than its `startOffset`: TimescaleDB does not refresh into compressed chunks.
   */
  compression?: { after: string } | null
  /** Drop the aggregate's buckets older than this (its own retention policy, independent of the hypertable's). */
  retention?: string | null
}

/** The database facts of an aggregate declaration. */
export interface ContinuousAggregateSpec {
  schema: string
  name: string
  /** `schema.name` of what it reads: the hypertable or the finer aggregate. */
  source: string
  /** `schema.name` of the hypertable at the bottom. */
  hypertable: string
  bucket: string
  bucketColumn: string
  timeZone: string | null
  groupBy: string[]
  measures: { name: string; kind: MeasureKind; column: string | null }[]
  /** The `SELECT` of `CREATE MATERIALIZED VIEW`, as the migration writes it. */
  definition: string
  materializedOnly: boolean
  refresh: RefreshPolicy | null
  /** Its columnstore policy (absent in snapshots written before it existed: none). */
  compression?: { after: string } | null
  /** Its retention policy's `drop_after` (absent in older snapshots: none). */
  retention?: string | null
}

type ViewColumn<TData, TNotNull extends boolean> = PgCustomColumnBuilder<
  ConvertCustomConfig<string, { data: TData; driverData: unknown; notNull: TNotNull }>
>
type Columns<TTable extends PgTable> = TTable['_']['columns']
type AggregateColumns<TTable extends PgTable, TGroup extends ColumnKey<TTable>, TMeasures, TBucket extends string, TTime> = {
  [K in TBucket]: ViewColumn<TTime, true>
} & { [K in TGroup]: ViewColumn<Columns<TTable>[K]['_']['data'], Columns<TTable>[K]['_']['notNull']> } & {
  [K in Extract<keyof TMeasures, string>]: TMeasures[K] extends Measure<infer D, infer N> ? ViewColumn<D, N> : never
}

/** What a coarser aggregate needs of the finer one it reads (any aggregate of the same hypertable is one). */
export interface AnyContinuousAggregate<TTable extends PgTable = PgTable, TTime extends ColumnKey<TTable> = ColumnKey<TTable>>
  extends DeclarationBase {
  readonly [DECLARATION]: 'continuousAggregate'
  /** The hypertable at the bottom; its time column's key is `TTime`, the type of every level's bucket. */
  readonly root: Hypertable<TTable, TTime>
  readonly from: Hypertable<TTable, TTime> | AnyContinuousAggregate<TTable, TTime>
  readonly measures: Readonly<Record<string, Measure>>
  readonly spec: ContinuousAggregateSpec
}

/** The typed view of an aggregate: query it with Drizzle like a table. */
export type AggregateView<TName extends string, TColumns extends Record<string, PgColumnBuilderBase>> = PgMaterializedViewWithSelection<
  TName,
  true,
  BuildColumns<TName, TColumns, 'pg'>
>

/** A continuous aggregate declaration; export it (and use its `view`) from the schema module. */
export interface ContinuousAggregate<
  TTable extends PgTable = PgTable,
  TName extends string = string,
  TColumns extends Record<string, PgColumnBuilderBase> = Record<string, PgColumnBuilderBase>,
  TTime extends ColumnKey<TTable> = ColumnKey<TTable>,
> extends AnyContinuousAggregate<TTable, TTime> {
  /** The aggregate as a Drizzle materialized view (`.existing()`: the migration creates it). */
  readonly view: AggregateView<TName, TColumns>
}

/**
 * Declares a continuous aggregate of a hypertable, or of a finer aggregate (daily on hourly).
 * On an aggregate, each measure is rolled up exactly: counts and sums are summed, minima and
 * maxima taken again, `first`/`last` by bucket, and an average recomputed from the finer level's
 * `sum` and `count` of the same column (an average of averages is not an average; a missing
 * one is a `ValidationError` that names it). `generate` writes it `WITH NO DATA`.
 *
 * @throws {ValidationError} a bad name, interval or time zone, a group-by column the finer level
 *   does not have, a measure it cannot roll up, a bucket that is not a multiple of the finer one,
 *   or a refresh window shorter than two buckets.
 * @example
 * ```ts
 * export const hourly = continuousAggregate('device_readings_hourly', {
 *   from: readingsHypertable,
 *   bucket: '1 hour',
 *   groupBy: ['deviceId'],
 *   measures: {
 *     avg_temp: measure.avg(readings.temperature),
 *     sum_temp: measure.sum(readings.temperature),
 *     n_temp: measure.count(readings.temperature),
 *     max_temp: measure.max(readings.temperature),
 *   },
 *   realTime: true,
 *   refresh: { startOffset: '3 hours', endOffset: '1 hour', every: '30 minutes' },
 * })
 * export const daily = continuousAggregate('device_readings_daily', {
 *   from: hourly, bucket: '1 day', groupBy: ['deviceId'],
 *   measures: { avg_temp: measure.avg(readings.temperature), max_temp: measure.max(readings.temperature) },
 * })
 * const rows = await db.select().from(daily.view).where(eq(daily.view.deviceId, 'd-1'))
 * ```
 * @see https://docs.timescale.com/use-timescale/latest/continuous-aggregates/hierarchical-continuous-aggregates/
 */
export function continuousAggregate<
  const TName extends string,
  TTable extends PgTable,
  TTime extends ColumnKey<TTable>,
  const TGroup extends ColumnKey<TTable> = never,
  const TMeasures extends Record<string, Measure> = Record<string, never>,
  const TBucket extends string = 'bucket',
>(
  name: TName,
  options: ContinuousAggregateOptions<TTable, TGroup, TMeasures, TBucket> & {
    from: Hypertable<TTable, TTime> | AnyContinuousAggregate<TTable, TTime>
  },
): ContinuousAggregate<TTable, TName, AggregateColumns<TTable, TGroup, TMeasures, TBucket, Columns<TTable>[TTime]['_']['data']>, TTime> {
  const from = options.from
  const root = from[DECLARATION] === 'hypertable' ? from : from.root
  const viewName = checkIdentifier(name, 'name')
  const schema = root.spec.schema
  const bucketColumn = checkIdentifier(options.bucketColumn ?? 'bucket', 'bucketColumn')
  const bucket = validateInterval(options.bucket, 'bucket')
  const timeZone = options.timeZone === undefined ? null : validateTimeZone(options.timeZone, 'timeZone')
  const columns = getTableColumns(root.table) as Record<string, PgColumn>
  const groupKeys = [...(options.groupBy ?? [])] as string[]
  const group = groupKeys.map((key, i) => {
    const column = columns[key]
    if (!column) throw invalid(`groupBy[${i}]`, `must be a column key of ${root.spec.name}`)
    if (from[DECLARATION] === 'continuousAggregate' && !from.spec.groupBy.includes(column.name)) {
      throw invalid(`groupBy[${i}]`, `must be a group-by column of ${from.spec.name} (${from.spec.groupBy.join(', ') || 'none'})`)
    }
    return { key, column }
  })
  const measureEntries = Object.entries(options.measures)
  if (measureEntries.length === 0) throw invalid('measures', 'must name at least one aggregate column')
  const names = new Set([bucketColumn, ...group.map((g) => g.column.name)])
  for (const [measureName, measure] of measureEntries) {
    checkIdentifier(measureName, `measures.${measureName}`)
    if (names.has(measureName)) throw invalid(`measures.${measureName}`, 'has the name of the bucket or a group-by column')
    names.add(measureName)
    if (measure.column && measure.column.table !== root.table) {
      throw invalid(`measures.${measureName}`, `must aggregate a column of ${root.spec.name}`)
    }
  }

  let selectList: SQL[]
  let fromSql: SQL
  if (from[DECLARATION] === 'hypertable') {
    const time = sql`${root.timeColumn}`
    selectList = [
      sql`${bucketSql(bucket.text, time, timeZone)} AS ${sql.identifier(bucketColumn)}`,
      ...group.map((g) => sql`${g.column}`),
      ...measureEntries.map(([n, m]) => sql`${measureExpression(m, root.timeColumn)} AS ${sql.identifier(n)}`),
    ]
    fromSql = sql`${root.table}`
  } else {
    checkMultiple(bucket, validateInterval(from.spec.bucket), from.spec.name)
    if (timeZone !== from.spec.timeZone)
      throw invalid('timeZone', `must be the time zone of ${from.spec.name} (${from.spec.timeZone ?? 'UTC'})`)
    selectList = [
      sql`${bucketSql(bucket.text, sql`${sql.identifier(from.spec.bucketColumn)}`, timeZone)} AS ${sql.identifier(bucketColumn)}`,
      ...group.map((g) => sql`${sql.identifier(g.column.name)}`),
      ...measureEntries.map(([n, m]) => sql`${rollupExpression(n, m, from)} AS ${sql.identifier(n)}`),
    ]
    fromSql = sql`${sql.identifier(from.spec.schema)}.${sql.identifier(from.spec.name)}`
  }
  const groupBy = sql.raw(
    selectList
      .slice(0, 1 + group.length)
      .map((_, i) => String(i + 1))
      .join(', '),
  )
  const definition = sqlText(sql`SELECT ${sql.join(selectList, sql`, `)} FROM ${fromSql} GROUP BY ${groupBy}`)
  const refresh = options.refresh ? checkRefresh(options.refresh, bucket) : null
  const compression = options.compression ? checkCompression(options.compression, refresh) : null
  const retention = options.retention ? validateInterval(options.retention, 'retention').text : null

  const timeColumn = root.timeColumn
  const builders: Record<string, PgColumnBuilderBase> = {
    [bucketColumn]: viewColumn(bucketColumn, timeColumn.getSQLType(), (v) => timeColumn.mapFromDriverValue(v), true),
  }
  for (const g of group)
    builders[g.key] = viewColumn(g.column.name, g.column.getSQLType(), (v) => g.column.mapFromDriverValue(v), g.column.notNull)
  for (const [n, m] of measureEntries) builders[n] = viewColumn(n, m.sqlType, m.decode, m.notNull)
  const view = (
    schema === 'public' ? pgMaterializedView(viewName, builders) : pgSchema(schema).materializedView(viewName, builders)
  ).existing()

  return {
    [DECLARATION]: 'continuousAggregate',
    key: `${schema}.${viewName}`,
    root: root as Hypertable<TTable, TTime>,
    from,
    measures: options.measures,
    spec: {
      schema,
      name: viewName,
      source: from.key,
      hypertable: root.key,
      bucket: bucket.text,
      bucketColumn,
      timeZone,
      groupBy: group.map((g) => g.column.name),
      measures: measureEntries.map(([n, m]) => ({ name: n, kind: m.kind, column: m.column?.name ?? null })),
      definition,
      materializedOnly: !(options.realTime ?? false),
      refresh,
      compression,
      retention,
    },
    view: view as never,
  }
}

function bucketSql(width: string, time: SQL, timeZone: string | null): SQL {
  return timeZone === null ? sql`time_bucket(INTERVAL ${width}, ${time})` : sql`time_bucket(INTERVAL ${width}, ${time}, ${timeZone})`
}

function checkMultiple(coarse: ReturnType<typeof validateInterval>, fine: ReturnType<typeof validateInterval>, finer: string): void {
  const ok =
    coarse.months > 0
      ? fine.months > 0
        ? coarse.months % fine.months === 0
        : 86_400_000_000 % (fine.microseconds + fine.days * 86_400_000_000) === 0
      : fine.months === 0 && minimumMicroseconds(coarse) % minimumMicroseconds(fine) === 0
  if (!ok) throw invalid('bucket', `must be a multiple of the bucket of ${finer} (${fine.text})`)
}

function checkRefresh(refresh: RefreshPolicy, bucket: ReturnType<typeof validateInterval>): RefreshPolicy {
  const end = validateInterval(refresh.endOffset, 'refresh.endOffset')
  const every = validateInterval(refresh.every, 'refresh.every').text
  if (refresh.startOffset === null) return { startOffset: null, endOffset: end.text, every }
  const start = validateInterval(refresh.startOffset, 'refresh.startOffset')
  const window = minimumMicroseconds(start) - minimumMicroseconds(end)
  if (start.months === 0 && bucket.months === 0 && window < 2 * minimumMicroseconds(bucket)) {
    throw invalid(
      'refresh.startOffset',
      `must be at least two buckets (${bucket.text}) before refresh.endOffset: TimescaleDB refuses a shorter window`,
    )
  }
  return { startOffset: start.text, endOffset: end.text, every }
}

function checkCompression(compression: { after: string }, refresh: RefreshPolicy | null): { after: string } {
  const after = validateInterval(compression.after, 'compression.after')
  if (refresh) {
    if (refresh.startOffset === null) {
      throw invalid('compression.after', 'needs a refresh.startOffset: a refresh from the oldest data would reach compressed chunks')
    }
    const start = validateInterval(refresh.startOffset)
    if (after.months === 0 && start.months === 0 && minimumMicroseconds(after) <= minimumMicroseconds(start)) {
      throw invalid(
        'compression.after',
        `must be older than refresh.startOffset (${start.text}): TimescaleDB does not refresh into compressed chunks`,
      )
    }
  }
  return { after: after.text }
}

function viewColumn(name: string, sqlType: string, decode: (value: unknown) => unknown, notNull: boolean): PgColumnBuilderBase {
  const builder = customType<{ data: unknown; driverData: unknown }>({ dataType: () => sqlType, fromDriver: decode })(name)
  return notNull ? builder.notNull() : builder
}
