import { sql } from 'drizzle-orm'
import { textArrayLiteral } from '../internal/pg-array-literal.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'

/**
 * The planner's estimate of the rows of each hypertable (`schema.name` parts), in order: the sum
 * of its chunks' `pg_class.reltuples` (what ANALYZE, autovacuum's or anyone's, last counted), or
 * `null` when a chunk was never analyzed or the table is not found. An estimate, for choosing a
 * plan, never for an answer.
 */
export async function readRowEstimates(db: AnyPgDatabase, tables: readonly { schema: string; name: string }[]): Promise<(number | null)[]> {
  if (tables.length === 0) return []
  const rows = await queryRows<{ i: number; rows: number | null }>(
    db,
    sql`select x.i::int as i, case when bool_or(c.reltuples < 0) or x.rel is null then null
          else coalesce(sum(c.reltuples), 0)::float8 end as rows
        from (select i, to_regclass(format('%I.%I', s, n)) as rel
          from unnest(${textArrayLiteral(tables.map((t) => t.schema))}::text[], ${textArrayLiteral(tables.map((t) => t.name))}::text[])
            with ordinality as u(s, n, i)) x
        left join pg_inherits h on h.inhparent = x.rel left join pg_class c on c.oid = h.inhrelid
        group by x.i, x.rel order by x.i`,
  )
  return rows.map((r) => (r.rows === null ? null : Number(r.rows)))
}
