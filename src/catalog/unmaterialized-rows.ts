import { sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import type { CatalogContinuousAggregate } from './read-continuous-aggregates.ts'

/**
 * Whether the aggregate's hypertable holds rows its refresh policy should have materialized by
 * now but has not: rows at or after the watermark, inside the policy's window (`start_offset` ago
 * or later) and older than `olderThanSeconds`. A quiet table whose watermark stands still is not
 * behind; a policy that stopped refreshing while rows arrive is. `null` when the hypertable's
 * time column is not a timestamp (integer time has no `now()`).
 */
export async function hasUnmaterializedRows(
  db: AnyPgDatabase,
  aggregate: CatalogContinuousAggregate,
  olderThanSeconds: number,
): Promise<boolean | null> {
  const [dimension] = await queryRows<{ column: string; type: string }>(
    db,
    sql`select column_name as column, column_type::text as type from timescaledb_information.dimensions
        where hypertable_schema = ${aggregate.hypertableSchema} and hypertable_name = ${aggregate.hypertable}
        order by dimension_number limit 1`,
  )
  if (!dimension || !/^timestamp|^date$/.test(dimension.type)) return null
  const time = sql.identifier(dimension.column)
  const table = sql`${sql.identifier(aggregate.hypertableSchema)}.${sql.identifier(aggregate.hypertable)}`
  const start = aggregate.refreshPolicy?.startOffset
  const windowStart = start && !/^-?\d+$/.test(start) ? sql`and ${time} >= now() - ${start}::interval` : sql``
  const [row] = await queryRows<{ behind: boolean }>(
    db,
    sql`select exists (select 1 from ${table} where ${time} >= coalesce(${aggregate.watermark}::timestamptz, '-infinity')
          ${windowStart} and ${time} < now() - make_interval(secs => ${olderThanSeconds}::float8)) as behind`,
  )
  return row?.behind ?? null
}
