import { type SQL, sql } from 'drizzle-orm'
import { readContinuousAggregates, readServerInfo, versionAtLeast } from '../catalog/index.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import type { AggregateFunction, SortOrder } from '../types.ts'
import type { ValidInterval, ValidRange, ValidTimeBucketOptions } from '../validation/index.ts'

/*
 * Reading `getTimeBuckets` from the `hourly_metrics` continuous aggregate instead of the raw
 * hypertable, only where the answer is provably the one the raw query gives:
 * - the aggregate is there: the Timescale license, TimescaleDB >= 2.23 (whose invalidation logs
 *   were checked, on 2.23 and 2.29, to record every insert, update, delete, drop_chunks and
 *   truncate below the materialized watermark), the view finalized and real-time over
 *   `time_series_data`, both the ones this session's search_path finds (looked up once per db,
 *   through the one catalog reader, which knows what changed between versions);
 * - the bucket is a whole number of hours, in UTC (no time zone), without gap filling, and the
 *   range starts and ends on whole hours: each hourly row then holds exactly the rows the raw
 *   query puts in that hour, and each bucket is a union of whole hours;
 * - the function is in the aggregate: avg (1-hour buckets only: an average of averages is not the
 *   average), min, max, count of `value`;
 * - no change to the range below the watermark is waiting for a refresh (both invalidation logs
 *   are empty there), checked on every call.
 * Hours at or after the watermark come from the raw table, exactly as the real-time view does.
 * https://docs.timescale.com/use-timescale/latest/continuous-aggregates/real-time-aggregates/
 */

const HOUR_US = 3_600_000_000

/** The continuous aggregate behind a database, as found in TimescaleDB's catalog. */
interface HourlyMetrics {
  /** `_timescaledb_catalog.hypertable` ids of the materialization and of time_series_data. */
  matId: number
  rawId: number
  /** The materialization hypertable: queried directly, so that both parts get constant bounds. */
  table: SQL
  /** Whether `_timescaledb_functions.has_invalidation_trigger` exists (2.22 only: 2.23 removed it with the WAL-based invalidation). */
  hasTriggerCheck: boolean
}

const found = new WeakMap<object, Promise<HourlyMetrics | null>>()

/** What a `getTimeBuckets` call asks for, validated. */
export interface BucketRequest {
  entityId: string | null
  width: ValidInterval
  range: ValidRange
  options: ValidTimeBucketOptions
}

/** The hours of the bucket width when the request may be answered from hourly_metrics, else 0. */
export function routableHours(r: BucketRequest): number {
  const { width, range, options: o } = r
  if (width.months !== 0 || o.timeZone !== undefined || o.gapFill !== undefined || o.aggregateColumn !== 'value') return 0
  const micros = width.days * 24 * HOUR_US + width.microseconds
  if (micros % HOUR_US !== 0) return 0
  const hours = micros / HOUR_US
  const fn: AggregateFunction = o.aggregateFunction
  if (!(fn === 'min' || fn === 'max' || fn === 'count' || (fn === 'avg' && hours === 1))) return 0
  const wholeHour = /T\d\d:00:00\.000000Z$/
  return wholeHour.test(range.from) && wholeHour.test(range.to) ? hours : 0
}

/**
 * The routed query (columns `bucket`, `entity_id`, `value`, `count`, ordered and limited as the
 * raw one), or `undefined` when the raw query must run. Two catalog reads: the aggregate (cached
 * per db, so an Apache server is asked once) and, per call, the watermark and pending changes.
 */
export async function hourlyMetricsQuery(db: AnyPgDatabase, r: BucketRequest): Promise<SQL | undefined> {
  const hours = routableHours(r)
  if (hours === 0) return undefined
  const metrics = await hourlyMetricsOf(db)
  if (!metrics) return undefined
  const state = await freshness(db, metrics, r.range)
  if (!state) return undefined
  return routedQuery(metrics, r, hours, state.watermark)
}

/** Forgets what was found for `db` (after the aggregate vanished under a routed query). */
export function forgetHourlyMetrics(db: AnyPgDatabase): void {
  found.delete(db)
}

function hourlyMetricsOf(db: AnyPgDatabase): Promise<HourlyMetrics | null> {
  let lookup = found.get(db)
  if (!lookup) {
    lookup = lookUp(db).catch(() => null)
    found.set(db, lookup)
  }
  return lookup
}

async function lookUp(db: AnyPgDatabase): Promise<HourlyMetrics | null> {
  const server = await readServerInfo(db)
  if (server.license !== 'timescale' || !versionAtLeast(server, 2, 23)) return null
  const aggregate = (await readContinuousAggregates(db)).find(
    (a) => a.name === 'hourly_metrics' && a.hypertable === 'time_series_data' && a.schema === a.hypertableSchema,
  )
  if (!aggregate?.finalized || aggregate.materializedOnly) return null
  const qualified = (name: string) => sql`to_regclass(format('%I.%I', ${aggregate.schema}::text, ${name}::text))`
  const [visible] = await queryRows<{ ok: boolean; trigger_check: boolean }>(
    db,
    sql`select to_regclass('hourly_metrics') = ${qualified('hourly_metrics')}
          and to_regclass('time_series_data') = ${qualified('time_series_data')} as ok,
        to_regprocedure('_timescaledb_functions.has_invalidation_trigger(regclass)') is not null as trigger_check`,
  )
  if (visible?.ok !== true) return null
  return {
    matId: aggregate.materializationId,
    rawId: aggregate.rawHypertableId,
    // Names read from TimescaleDB's catalog, quoted as identifiers.
    table: sql`${sql.identifier(aggregate.materialization.schema)}.${sql.identifier(aggregate.materialization.name)}`,
    hasTriggerCheck: visible.trigger_check === true,
  }
}

/** The watermark (canonical UTC text) when hours before it hold materialized, current rows of the range; else null. */
async function freshness(db: AnyPgDatabase, m: HourlyMetrics, range: ValidRange): Promise<{ watermark: string } | null> {
  const internal = (t: string) => sql`_timescaledb_functions.time_to_internal(${t}::timestamptz)`
  const pending = (log: string, column: string, id: number) =>
    sql`exists (select 1 from _timescaledb_catalog.${sql.identifier(log)} l, w
      where l.${sql.identifier(column)} = ${id}::int and l.lowest_modified_value < least(w.wm, ${internal(range.to)})
        and l.greatest_modified_value >= ${internal(range.from)})`
  const trigger = m.hasTriggerCheck ? sql`_timescaledb_functions.has_invalidation_trigger(to_regclass('time_series_data'))` : sql`true`
  const [row] = await queryRows<{ covered: boolean; clean: boolean; watermark: string | null }>(
    db,
    sql`with w as (select _timescaledb_functions.cagg_watermark(${m.matId}::int) as wm)
      select w.wm > ${internal(range.from)} as covered,
        ${trigger} and not ${pending('continuous_aggs_materialization_invalidation_log', 'materialization_id', m.matId)}
          and not ${pending('continuous_aggs_hypertable_invalidation_log', 'hypertable_id', m.rawId)} as clean,
        case when w.wm > ${internal(range.from)} then to_char(_timescaledb_functions.to_timestamp(w.wm) at time zone 'UTC',
          'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') end as watermark
      from w`,
  )
  // Nothing materialized in the range: the raw query is the same work, without the detour.
  if (!row?.covered || !row.clean || row.watermark === null) return null
  return { watermark: row.watermark }
}

function routedQuery(m: HourlyMetrics, r: BucketRequest, hours: number, watermark: string): SQL {
  const { entityId, range, options: o } = r
  const width = sql`${r.width.text}::interval`
  const matEnd = watermark < range.to ? watermark : range.to
  const forEntity = (alias: string) => (entityId === null ? sql`` : sql`and ${sql.raw(alias)}.entity_id = ${entityId}::text`)
  const stored = { avg: sql`m.avg_value`, min: sql`m.min_value`, max: sql`m.max_value`, count: sql`m.data_points` }
  const fresh = { avg: sql`avg(t.value)`, min: sql`min(t.value)`, max: sql`max(t.value)`, count: sql`count(t.value)` }
  const fn = o.aggregateFunction as keyof typeof stored
  // With every entity, only the hours that can reach the first `limit` buckets are read: the
  // limit * hours-th hour from the end (an ordered index scan) bounds them.
  const cutoff = entityId === null ? bucketCutoff(m, r, hours, matEnd, o.order, o.limit) : sql``
  const hourly = sql`select m.hour, m.entity_id, ${stored[fn]} as v, m.data_points as n
      from ${m.table} m
      where m.hour >= ${range.from}::timestamptz and m.hour < ${matEnd}::timestamptz ${forEntity('m')} ${cutoff}
    ${
      watermark < range.to
        ? sql`union all
      select time_bucket('1 hour'::interval, t.time), t.entity_id, ${fresh[fn]}, count(*)
      from time_series_data t
      where t.time >= ${watermark}::timestamptz and t.time < ${range.to}::timestamptz ${forEntity('t')}
      group by 1, 2`
        : sql``
    }`
  const merged = { avg: sql`h.v`, min: sql`min(h.v)`, max: sql`max(h.v)`, count: sql`sum(h.v)` }
  return hours === 1
    ? sql`select h.hour as bucket, h.entity_id, h.v as value, h.n as count from (${hourly}) h`
    : sql`select time_bucket(${width}, h.hour) as bucket, h.entity_id, ${merged[fn]} as value, sum(h.n) as count
        from (${hourly}) h group by 1, 2`
}

function bucketCutoff(m: HourlyMetrics, r: BucketRequest, hours: number, matEnd: string, order: SortOrder, limit: number): SQL {
  const width = sql`${r.width.text}::interval`
  const nth = sql`(select c.hour from ${m.table} c
    where c.hour >= ${r.range.from}::timestamptz and c.hour < ${matEnd}::timestamptz
    order by c.hour ${sql.raw(order)} offset ${limit * hours - 1} limit 1)`
  return order === 'desc'
    ? sql`and m.hour >= coalesce(time_bucket(${width}, ${nth}), '-infinity'::timestamptz)`
    : sql`and m.hour < coalesce(time_bucket(${width}, ${nth}) + ${width}, 'infinity'::timestamptz)`
}
