import { type SQL, sql } from 'drizzle-orm'
import { readContinuousAggregates, readRowEstimates, readServerInfo, versionAtLeast } from '../catalog/index.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import type { AnyContinuousAggregate } from '../toolkit/continuous-aggregate.ts'
import { mergedVariance, squaredDeviations } from '../toolkit/ddl/merge-variance-sql.ts'
import { DECLARATION } from '../toolkit/declaration-brand.ts'
import type { Measure } from '../toolkit/measures.ts'
import { minimumMicroseconds, type ValidInterval, validateInterval } from '../validation/validate-interval.ts'
import type { BucketQuery } from './bucket-rows.ts'
import { checkWhere } from './read-filter.ts'
import type { ShapeColumn, TableShape } from './table-shape.ts'

/*
 * Answering a bucket query of a hypertable from one of its declared continuous aggregates instead
 * of its rows, only where the answer is provably the one the raw query gives:
 * - the aggregate is there: the Timescale license, TimescaleDB >= 2.23 (whose invalidation logs
 *   were checked, on 2.23 and 2.29, to record every insert, update, delete, drop_chunks and
 *   truncate below the materialized watermark), finalized, and the hypertable the one this
 *   session's search path finds (looked up once a minute per database, through the one catalog reader);
 * - a `timestamptz` time column, the query's time zone the aggregate's, no gap filling, and the
 *   width a multiple of the aggregate's bucket (months of months, or months of a bucket that
 *   divides a day): each aggregate bucket then lies in exactly one of the query's buckets;
 * - the range starts and ends on the aggregate's bucket boundaries (checked by the server), so
 *   each aggregate row holds exactly the rows the raw query counts;
 * - `where` and `groupBy` on the aggregate's group-by columns only;
 * - every measure derives exactly from the aggregate's: counts and sums summed, min/max again,
 *   first/last of one series (every group-by column of the aggregate grouped or pinned by `where`)
 *   by bucket, averages from sum and count (or the aggregate's own average when each query bucket
 *   is one aggregate row); never an `sql` measure. Sums and averages may differ from the raw query
 *   in the last bits of a double, as two plans of the raw query may;
 * - no change to the range below the watermark waits for a refresh, at any level of a
 *   hierarchical aggregate (its materialization log and its source's hypertable log, down to the
 *   raw table), checked on every call.
 * Buckets at or after the watermark come from the raw rows, as a real-time aggregate does.
 * https://docs.timescale.com/use-timescale/latest/continuous-aggregates/real-time-aggregates/
 */

/** One value per aggregate bucket: read from the aggregate's rows, or computed from raw rows. */
interface Partial {
  /** Over the aggregate's materialization rows (`m`). */
  stored: SQL
  /** Over raw rows (`t`) grouped by the aggregate's bucket. */
  fresh: SQL
}

/** An aggregate the query can be answered from, before the per-call checks. */
export interface RoutePlan {
  aggregate: AnyContinuousAggregate
  /** Each query row (bucket and group-by keys) is one series of the aggregate: its group columns grouped or pinned. */
  oneSeries: boolean
  partials: Partial[]
  /** Per measure of the query: its value from its partials (`h.p<i>`), grouped by the query's bucket. */
  merged: SQL[]
}

/**
 * The aggregates (finest first or any order) that can answer `q` by their declarations, coarsest
 * bucket first. No database access: what the catalog and the data say is checked by {@link routedBuckets}.
 */
export function routePlans(shape: TableShape, aggregates: readonly AnyContinuousAggregate[], q: BucketQuery): RoutePlan[] {
  const time = shape.columns[shape.time] as ShapeColumn
  if (time.codec.temporal !== 'timestamptz' || q.gapFill !== undefined) return []
  const plans: { plan: RoutePlan; width: number }[] = []
  for (const aggregate of aggregates) {
    const plan = planFor(shape, aggregate, q)
    if (plan) plans.push({ plan, width: approximateMicroseconds(validateInterval(aggregate.spec.bucket)) })
  }
  return plans.sort((a, b) => b.width - a.width).map((p) => p.plan)
}

function planFor(shape: TableShape, aggregate: AnyContinuousAggregate, q: BucketQuery): RoutePlan | undefined {
  const spec = aggregate.spec
  if (spec.hypertable !== shape.name || spec.timeZone !== (q.timeZone ?? null)) return undefined
  const bucket = validateInterval(spec.bucket)
  if (!isMultiple(q.width, bucket)) return undefined
  // A fixed-width UTC bucket: the range's alignment is known here (the server checks every case).
  if (bucket.months === 0 && spec.timeZone === null && !(aligned(q.filter.from, bucket) && aligned(q.filter.to, bucket))) return undefined
  const groups = new Set(spec.groupBy)
  if (q.groupBy.some((g) => !groups.has(g.name))) return undefined
  const pinned = new Set<string>()
  for (const [key, value] of Object.entries(q.where)) {
    if (value === undefined) continue
    const column = shape.columns.find((c) => c.key === key)
    if (!column || !groups.has(column.name)) return undefined
    if (value !== null && !Array.isArray(value)) pinned.add(column.name)
  }
  // One series per query row: each aggregate group column grouped, or pinned to one value.
  const oneSeries = spec.groupBy.every((g) => pinned.has(g) || q.groupBy.some((c) => c.name === g))
  const oneRow = oneSeries && q.width.text === bucket.text
  const stored = (kind: Measure['kind'], column: string | null): SQL | undefined => {
    const found = spec.measures.find((m) => m.kind === kind && m.column === column)
    return found ? sql`m.${sql.identifier(found.name)}` : undefined
  }
  const partials: Partial[] = []
  const merged: SQL[] = []
  const partial = (stored: SQL, fresh: SQL): SQL => {
    partials.push({ stored, fresh })
    return sql.raw(`h.p${partials.length - 1}`)
  }
  const time = sql`t.${sql.identifier((shape.columns[shape.time] as ShapeColumn).name)}`
  for (const { measure } of q.measures) {
    const column = measure.column ? (measure.column as { name: string }).name : null
    const notNull = column !== null && shape.columns.find((c) => c.name === column)?.notNull === true
    const ref = column === null ? sql`` : sql`t.${sql.identifier(column)}`
    // count(column) of a not-null column is count(*).
    const count = () => stored('count', column) ?? (notNull ? stored('count', null) : undefined)
    switch (measure.kind) {
      case 'count': {
        const s = count()
        if (!s) return undefined
        merged.push(sql`sum(${partial(s, column === null ? sql`count(*)` : sql`count(${ref})`)})::bigint`)
        break
      }
      case 'sum':
      case 'min':
      case 'max': {
        const s = stored(measure.kind, column)
        if (!s) return undefined
        const fn = sql.raw(measure.kind)
        merged.push(sql`${fn}(${partial(s, sql`${fn}(${ref})`)})`)
        break
      }
      case 'first':
      case 'last': {
        // Of one series only: the aggregate keeps each bucket's first value, not its time.
        const s = stored(measure.kind, column)
        if (!s || !oneSeries) return undefined
        const fn = sql.raw(measure.kind)
        merged.push(sql`${fn}(${partial(s, sql`${fn}(${ref}, ${time})`)}, h.b)`)
        break
      }
      case 'avg': {
        const s = stored('sum', column)
        const n = count()
        if (s && n) {
          // An average of averages is not an average: the sum of the sums over the sum of the counts.
          merged.push(sql`sum(${partial(s, sql`sum(${ref})`)}) / nullif(sum(${partial(n, sql`count(${ref})`)}), 0)`)
          break
        }
        const a = stored('avg', column)
        if (!a || !oneRow) return undefined
        merged.push(sql`min(${partial(a, sql`avg(${ref})`)})`)
        break
      }
      case 'variance':
      case 'stddev': {
        // Each bucket's count, sum and squared deviations merged (Chan's pairwise update), as the rollup does.
        const s = stored('sum', column)
        const n = count()
        const variance = stored('variance', column)
        const spread = variance ?? stored('stddev', column)
        if (!s || !n || !spread) return undefined
        const kind = variance ? 'variance' : 'stddev'
        const nRef = partial(n, sql`count(${ref})`)
        const spreadRef = partial(spread, sql`${sql.raw(kind === 'variance' ? 'var_samp' : 'stddev_samp')}(${ref}::double precision)`)
        const sRef = partial(s, sql`sum(${ref})`)
        merged.push(mergedVariance(aggregate.root.spec.schema, measure.kind, nRef, sRef, squaredDeviations(kind, spreadRef, nRef)))
        break
      }
      default:
        return undefined
    }
  }
  return { aggregate, oneSeries, partials, merged }
}

/** Whether buckets of `coarse` are unions of whole buckets of `fine` (both from TimescaleDB's default origins). */
function isMultiple(coarse: ValidInterval, fine: ValidInterval): boolean {
  if (coarse.months > 0) {
    if (coarse.days !== 0 || coarse.microseconds !== 0) return false
    if (fine.months > 0) return fine.days === 0 && fine.microseconds === 0 && coarse.months % fine.months === 0
    const micros = fine.days * 86_400_000_000 + fine.microseconds
    return micros > 0 && 86_400_000_000 % micros === 0
  }
  if (fine.months > 0) return false
  return minimumMicroseconds(coarse) % minimumMicroseconds(fine) === 0
}

/** TimescaleDB's default origin of `time_bucket` for widths in days and smaller: 2000-01-03 (a Monday), in ms. */
const ORIGIN_MS = Date.UTC(2000, 0, 3)

/** Whether canonical UTC text (`...T10:00:00.000000Z`) starts a bucket of a fixed `width`. */
function aligned(text: string, width: ValidInterval): boolean {
  const micros = BigInt(Date.parse(`${text.slice(0, 19)}Z`) - ORIGIN_MS) * 1000n + BigInt(text.slice(20, 26))
  const size = BigInt(minimumMicroseconds(width))
  return ((micros % size) + size) % size === 0n
}

function approximateMicroseconds(width: ValidInterval): number {
  return width.months * 30 * 86_400_000_000 + minimumMicroseconds({ ...width, months: 0 })
}

/** What the catalog says of one aggregate level (cached per database). */
interface Found {
  matId: number
  /** The hypertable id it reads (the raw table, or the finer aggregate's materialization). */
  sourceId: number
  table: SQL
  /** The planner's estimate of the materialization's rows when the catalog was read (`null`: unknown): see bucketCutoff. */
  estimatedRows: number | null
  /** Its materialization has the columnstore enabled (see bucketCutoff and routedQuery's fence). */
  compressed: boolean
}

/*
 * What the catalog says, per database, read again after a minute: an aggregate created (or
 * dropped and created again) since is routed to from then on. A dropped one is noticed at once
 * (its read fails with 42P01: forgetAggregates).
 */
const lookups = new WeakMap<object, { found: Promise<Map<string, Found> | null>; at: number }>()
const CATALOG_TRUSTED_MS = 60_000

/** Forgets what was found for `db` (after an aggregate vanished under a routed query). */
export function forgetAggregates(db: AnyPgDatabase): void {
  lookups.delete(db)
  watermarks.delete(db)
}

async function catalogOf(db: AnyPgDatabase): Promise<Map<string, Found> | null> {
  let lookup = lookups.get(db)
  if (!lookup || performance.now() - lookup.at > CATALOG_TRUSTED_MS) {
    lookup = { found: lookUp(db).catch(() => null), at: performance.now() }
    lookups.set(db, lookup)
  }
  return lookup.found
}

async function lookUp(db: AnyPgDatabase): Promise<Map<string, Found> | null> {
  const server = await readServerInfo(db)
  if (server.license !== 'timescale' || !versionAtLeast(server, 2, 23)) return null
  const found = new Map<string, Found>()
  const aggregates = (await readContinuousAggregates(db)).filter((a) => a.finalized)
  const estimates = await readRowEstimates(
    db,
    aggregates.map((a) => a.materialization),
  )
  for (const [i, a] of aggregates.entries()) {
    found.set(`${a.schema}.${a.name}`, {
      matId: a.materializationId,
      // For a hierarchical aggregate: the finer aggregate's materialization, where the changes it
      // has not taken in yet are logged.
      sourceId: a.rawHypertableId,
      // Names read from TimescaleDB's catalog, quoted as identifiers.
      table: sql`${sql.identifier(a.materialization.schema)}.${sql.identifier(a.materialization.name)}`,
      estimatedRows: estimates[i] ?? null,
      compressed: a.compressionEnabled,
    })
  }
  return found
}

/** A bucket query answered from an aggregate: the select (columns `bucket`, the group-by keys, the measure names) and which aggregate. */
export interface RoutedBuckets {
  query: SQL
  aggregate: AnyContinuousAggregate
  /**
   * Set when the route was taken from the watermark an earlier call found, unchecked: a select of
   * one boolean, whether the checks hold now with that watermark. The statement that reads `query`
   * must evaluate it in the same snapshot and return nothing of `query` when it is false; the
   * caller then forgets that watermark ({@link forgetWatermark}) and asks again without it.
   */
  gate?: SQL
}

/*
 * The watermark each aggregate answered with last, per database. A routed read is two statements
 * (the checks, then the select) the first time and after each refresh; in between it is one: the
 * select is built on the remembered watermark and carries the checks as a gate, evaluated in the
 * select's own snapshot, so what it returns is exactly what the two statements would return. The
 * round trip saved is most of a small routed read's cost (measured in BENCHMARKS.md,
 * declared.*.buckets-dense-key). A coarser aggregate that becomes current while a finer one is
 * remembered is taken from the finer one's next refresh on.
 */
const watermarks = new WeakMap<object, Map<string, string>>()

/** Forgets the watermark remembered for `aggregate` on `db` (its gate failed: refreshed, or changes wait). */
export function forgetWatermark(db: AnyPgDatabase, aggregate: AnyContinuousAggregate): void {
  watermarks.get(db)?.delete(aggregate.key)
}

/**
 * The routed bucket select (columns `bucket`, the group-by keys, the measure names), or `undefined`
 * when the raw query must run: tries the plans coarsest first, each with one query for its
 * watermark and pending changes (a coarse aggregate waiting for a refresh gives way to a finer
 * one that is current). With `remembered`, a plan whose aggregate answered an earlier call is
 * returned at once with a gate instead (see {@link RoutedBuckets.gate}).
 */
export async function routedBuckets(
  db: AnyPgDatabase,
  shape: TableShape,
  plans: readonly RoutePlan[],
  q: BucketQuery,
  remembered = false,
): Promise<RoutedBuckets | undefined> {
  if (plans.length === 0) return undefined
  const catalog = await catalogOf(db)
  if (!catalog) return undefined
  const chains = plans.map((plan) => levels(plan.aggregate).map((level) => catalog.get(level.key)))
  const known = watermarks.get(db)
  if (remembered && known) {
    for (const [i, plan] of plans.entries()) {
      const chain = chains[i] as (Found | undefined)[]
      const watermark = known.get(plan.aggregate.key)
      if (watermark === undefined || chain.some((found) => found === undefined)) continue
      const check = routeCheck(shape, chain as Found[], plan.aggregate, q)
      return {
        query: routedQuery(shape, plan, chain[0] as Found, q, watermark),
        aggregate: plan.aggregate,
        gate: sql`select c.ok and c.watermark = ${watermark} from (${check}) c`,
      }
    }
  }
  for (const [i, plan] of plans.entries()) {
    // The aggregate and each finer one it reads, down to the hypertable: all must be in the catalog.
    const chain = chains[i] as (Found | undefined)[]
    if (chain.some((found) => found === undefined)) continue
    const [row] = await queryRows<{ ok: boolean; watermark: string | null }>(db, routeCheck(shape, chain as Found[], plan.aggregate, q))
    if (row?.ok !== true || row.watermark === null) continue
    const map = watermarks.get(db) ?? new Map<string, string>()
    watermarks.set(db, map.set(plan.aggregate.key, row.watermark))
    return { query: routedQuery(shape, plan, chain[0] as Found, q, row.watermark), aggregate: plan.aggregate }
  }
  return undefined
}

function levels(aggregate: AnyContinuousAggregate): AnyContinuousAggregate[] {
  const chain = [aggregate]
  for (let from = aggregate.from; from[DECLARATION] === 'continuousAggregate'; from = from.from) chain.push(from)
  return chain
}

/**
 * A select of one row: `ok`, whether the range is aligned, covered and clean at every level and
 * the hypertable the one this session finds, and `watermark` (canonical UTC text).
 */
function routeCheck(shape: TableShape, chain: readonly Found[], aggregate: AnyContinuousAggregate, q: BucketQuery): SQL {
  const top = chain[0] as Found
  const internal = (t: SQL) => sql`_timescaledb_functions.time_to_internal(${t})`
  const from = sql`${q.filter.from}::timestamptz`
  const to = sql`${q.filter.to}::timestamptz`
  const pending = (log: string, column: string, id: number) =>
    sql`exists (select 1 from _timescaledb_catalog.${sql.identifier(log)} l
      where l.${sql.identifier(column)} = ${id}::int and l.lowest_modified_value < least(w.wm, ${internal(to)})
        and l.greatest_modified_value >= ${internal(from)})`
  const clean = sql.join(
    chain.flatMap((level) => [
      sql`not ${pending('continuous_aggs_materialization_invalidation_log', 'materialization_id', level.matId)}`,
      sql`not ${pending('continuous_aggs_hypertable_invalidation_log', 'hypertable_id', level.sourceId)}`,
    ]),
    sql` and `,
  )
  const width = sql`${aggregate.spec.bucket}::interval`
  const tz = aggregate.spec.timeZone === null ? sql`` : sql`, ${aggregate.spec.timeZone}::text`
  return sql`select to_regclass(${shape.tableText}) = (select format('%I.%I', h.schema_name, h.table_name)::regclass
            from _timescaledb_catalog.hypertable h where h.id = (select c.raw_hypertable_id from _timescaledb_catalog.continuous_agg c
              where c.mat_hypertable_id = ${(chain.at(-1) as Found).matId}::int))
          and time_bucket(${width}, ${from}${tz}) = ${from} and time_bucket(${width}, ${to}${tz}) = ${to}
          and w.wm > ${internal(from)} and ${clean} as ok,
        to_char(_timescaledb_functions.to_timestamp(w.wm) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as watermark
      from (select _timescaledb_functions.cagg_watermark(${top.matId}::int) as wm) w`
}

function routedQuery(shape: TableShape, plan: RoutePlan, top: Found, q: BucketQuery, watermark: string): SQL {
  const spec = plan.aggregate.spec
  // Each part reads one relation: the conditions' bare column names are its own.
  const where = checkWhere(shape, q.where)
  const and = where.length === 0 ? sql`` : sql` and ${sql.join(where, sql` and `)}`
  const matEnd = watermark < q.filter.to ? watermark : q.filter.to
  const groups = q.groupBy.map((g) => sql.identifier(g.name))
  const groupList = (alias: string) =>
    sql.join(
      groups.map((g) => sql`, ${sql.raw(alias)}.${g}`),
      sql``,
    )
  const partialList = (pick: (p: Partial) => SQL) =>
    sql.join(
      plan.partials.map((p, i) => sql`, ${pick(p)} as ${sql.raw(`p${i}`)}`),
      sql``,
    )
  const positions = (n: number) => sql.raw(Array.from({ length: n }, (_, i) => String(i + 1)).join(', '))
  const bucketColumn = sql`m.${sql.identifier(spec.bucketColumn)}`
  const stored = sql`select ${bucketColumn} as b${groupList('m')}${partialList((p) => p.stored)}
    from ${top.table} m where ${bucketColumn} >= ${q.filter.from}::timestamptz and ${bucketColumn} < ${matEnd}::timestamptz${and}${bucketCutoff(plan, top, q, matEnd, and)}`
  const time = sql`t.${sql.identifier((shape.columns[shape.time] as ShapeColumn).name)}`
  const tz = spec.timeZone === null ? sql`` : sql`, ${spec.timeZone}::text`
  const fresh =
    watermark < q.filter.to
      ? sql` union all
    select time_bucket(${spec.bucket}::interval, ${time}${tz}) as b${groupList('t')}${partialList((p) => p.fresh)}
    from ${shape.table} t where ${time} >= ${watermark}::timestamptz and ${time} < ${q.filter.to}::timestamptz${and}
    group by ${positions(1 + groups.length)}`
      : sql``
  const qtz = q.timeZone === undefined ? sql`` : sql`, ${q.timeZone}::text`
  // `offset 0` keeps the rows read a subquery of their own, so that TimescaleDB does not aggregate
  // each chunk of the materialization apart before the merge (chunk-wise aggregation): its rows are
  // already aggregated. Daily buckets of one key from 180 days of hourly rows (18 chunks): 2.65-3.1 ms
  // a statement without it, 2.1-2.7 ms with it on 2.29.2; 7.9-8.7 and 6.9-7.2 ms embedded; every key
  // of 7 days, hashed: the same. Not over compressed chunks, whose vectorized aggregation it would stop.
  const fence = top.compressed ? sql`` : sql` offset 0`
  return sql`select time_bucket(${q.width.text}::interval, h.b${qtz}) as bucket${sql.join(
    q.groupBy.map((g) => sql`, h.${sql.identifier(g.name)} as ${sql.identifier(g.key)}`),
    sql``,
  )}${sql.join(
    q.measures.map((m, i) => sql`, ${plan.merged[i] as SQL} as ${sql.identifier(m.name)}`),
    sql``,
  )}
    from (${stored}${fresh}${fence}) h group by ${positions(1 + groups.length)}`
}

/*
 * Several series (group-by columns) with a limit: only the aggregate rows that can reach the first
 * `limit` query rows are read. Each query row is one series of the aggregate over one query
 * bucket, so it holds at most `perRow` aggregate rows (the query width over the aggregate's
 * bucket): the query buckets from the one holding the (limit x perRow)-th aggregate row (in the
 * query's order) onwards already give `limit` rows or more, and nothing past them is needed.
 * Fixed widths in UTC only (a month or a day in a time zone has no fixed number of rows). The raw
 * rows after the watermark are not counted: for newest-first they only come before these, for
 * oldest-first after; either way the bound stays on the safe side.
 *
 * Left out when the materialization holds (by the planner's estimate, with a factor two to spare;
 * not with compressed chunks, whose rows the estimate does not count) fewer rows than the probe would skip: it could not bound anything, and it costs more than its
 * probe. With an unknown bound the planner reads the rows in index order and sorts them for the
 * grouping; without it, it scans and hashes. 2.29.2, 200 keys x 7 days of hourly rows (33,768),
 * daily buckets of every key, limit 10,000: 31 ms with the bound, 11.5 ms without.
 */
function bucketCutoff(plan: RoutePlan, top: Found, q: BucketQuery, matEnd: string, and: SQL): SQL {
  const bucket = validateInterval(plan.aggregate.spec.bucket)
  if (q.groupBy.length === 0 || !plan.oneSeries || q.width.months > 0 || bucket.months > 0 || q.timeZone !== undefined) return sql``
  const perRow = minimumMicroseconds(q.width) / minimumMicroseconds(bucket)
  if (!top.compressed && top.estimatedRows !== null && top.estimatedRows * 2 < q.limit * perRow) return sql``
  const bucketColumn = sql`c.${sql.identifier(plan.aggregate.spec.bucketColumn)}`
  const width = sql`${q.width.text}::interval`
  const order = sql.raw(q.order)
  // The where conditions name the aggregate's own columns bare: they read `c` here as they read `m` there.
  const nth = sql`(select ${bucketColumn} from ${top.table} c
    where ${bucketColumn} >= ${q.filter.from}::timestamptz and ${bucketColumn} < ${matEnd}::timestamptz${and}
    order by ${bucketColumn} ${order} offset ${q.limit * perRow - 1} limit 1)`
  const m = sql`m.${sql.identifier(plan.aggregate.spec.bucketColumn)}`
  return q.order === 'desc'
    ? sql` and ${m} >= coalesce(time_bucket(${width}, ${nth}), '-infinity'::timestamptz)`
    : sql` and ${m} < coalesce(time_bucket(${width}, ${nth}) + ${width}, 'infinity'::timestamptz)`
}
