import { type SQL, sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import type { Measure } from '../toolkit/measures.ts'
import { invalid } from '../validation/invalid.ts'
import { type ValidInterval, validateInterval } from '../validation/validate-interval.ts'
import { validateOptions } from '../validation/validate-options.ts'
import { validateTimeZone } from '../validation/validate-time-zone.ts'
import { checkMeasures, measureSelect, measureValue } from './aggregate-rows.ts'
import { type CheckedFilter, checkFilter, checkPaging } from './read-filter.ts'
import type { ShapeColumn, TableShape } from './table-shape.ts'

/** A `buckets` call, checked. */
export interface BucketQuery {
  width: ValidInterval
  filter: CheckedFilter
  /** The `where` input as given (column key -> value), for routing. */
  where: Record<string, unknown>
  groupBy: ShapeColumn[]
  measures: { name: string; measure: Measure; expression: SQL }[]
  timeZone: string | undefined
  order: 'asc' | 'desc'
  limit: number
}

/** Checks a `buckets` query against the table. */
export function checkBucketQuery(shape: TableShape, table: object, query: unknown): BucketQuery {
  const q = validateOptions(query, ['width', 'from', 'to', 'where', 'groupBy', 'measures', 'timeZone', 'order', 'limit'], 'query')
  const width = validateInterval(q.width, 'width')
  const filter = checkFilter(shape, q)
  const groupInput = q.groupBy ?? []
  if (!Array.isArray(groupInput)) throw invalid('groupBy', 'must be an array of column keys')
  const groupBy = groupInput.map((key, i) => {
    const column = shape.columns.find((c) => c.key === key)
    if (!column || column === shape.columns[shape.time])
      throw invalid(`groupBy[${i}]`, `must be a column key of ${shape.name} other than its time column`)
    return column
  })
  const measures = checkMeasures(shape, table, q.measures)
  for (const m of measures) {
    if (m.name === 'bucket' || groupBy.some((g) => g.key === m.name))
      throw invalid(`measures.${m.name}`, 'has the name of the bucket or a group-by column')
  }
  if (q.timeZone !== undefined && (shape.columns[shape.time] as ShapeColumn).codec.temporal !== 'timestamptz') {
    throw invalid('timeZone', `needs a timestamptz time column (${shape.name}'s has no time zone: its buckets are in its own wall clock)`)
  }
  return {
    width,
    filter,
    where: (q.where ?? {}) as Record<string, unknown>,
    groupBy,
    measures,
    timeZone: q.timeZone === undefined ? undefined : validateTimeZone(q.timeZone, 'timeZone'),
    ...checkPaging(q, 'desc'),
  }
}

/**
 * The buckets of a declared table: per `width` bucket of its time column (in `timeZone`, default
 * UTC) and `groupBy` columns, each measure; newest bucket first by default, at most `limit` rows.
 * `routed` is the same select (columns `bucket`, the group-by keys, the measure names) answered
 * from a continuous aggregate, when one was found to give exactly this answer.
 */
export async function bucketRows<R>(db: AnyPgDatabase, shape: TableShape, q: BucketQuery, routed?: SQL): Promise<R[]> {
  const time = shape.columns[shape.time] as ShapeColumn
  const groupNames = q.groupBy.map((g) => sql.identifier(g.key))
  const order = sql.raw(q.order)
  const orderBy = sql.join([sql`bucket ${order}`, ...groupNames], sql`, `)
  const buckets = routed ?? rawBuckets(shape, q)
  const statement = sql`select ${time.codec.select(sql`b.bucket`)} as bucket${sql.join(
    q.groupBy.map((g) => sql`, ${g.codec.select(sql`b.${sql.identifier(g.key)}`)} as ${sql.identifier(g.key)}`),
    sql``,
  )}${sql.join(
    q.measures.map((m) => sql`, ${measureSelect(shape, m, sql`b.${sql.identifier(m.name)}`)} as ${sql.identifier(m.name)}`),
    sql``,
  )}
    from (${buckets} order by ${orderBy} limit ${q.limit}) b order by ${sql.join(
      [sql`b.bucket ${order}`, ...groupNames.map((g) => sql`b.${g}`)],
      sql`, `,
    )}`
  try {
    const rows = await queryRows(db, statement)
    return rows.map((row) => {
      const out: Record<string, unknown> = { bucket: time.codec.decode(row.bucket) }
      for (const g of q.groupBy) out[g.key] = row[g.key] === null || row[g.key] === undefined ? null : g.codec.decode(row[g.key])
      for (const m of q.measures) out[m.name] = measureValue(shape, m.measure, row[m.name])
      return out as R
    })
  } catch (error) {
    throw toTimescaleError(error, { operation: 'buckets' })
  }
}

/** The buckets computed from the hypertable's rows. */
export function rawBuckets(shape: TableShape, q: BucketQuery): SQL {
  const time = sql.identifier((shape.columns[shape.time] as ShapeColumn).name)
  const tz = q.timeZone === undefined ? sql`` : sql`, ${q.timeZone}::text`
  const select = [
    sql`time_bucket(${q.width.text}::interval, ${time}${tz}) as bucket`,
    ...q.groupBy.map((g) => sql`${sql.identifier(g.name)} as ${sql.identifier(g.key)}`),
    ...q.measures.map((m) => sql`${m.expression} as ${sql.identifier(m.name)}`),
  ]
  const groupBy = sql.raw(Array.from({ length: 1 + q.groupBy.length }, (_, i) => String(i + 1)).join(', '))
  return sql`select ${sql.join(select, sql`, `)} from ${shape.table} where ${q.filter.where} group by ${groupBy}`
}
