import { sql } from 'drizzle-orm'
import { textArrayLiteral } from '../internal/pg-array-literal.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'

/**
 * The planner's estimate of the distinct values of each of `columns` in one chunk of the
 * hypertable `tableText` names (as SQL text): the most any of its chunks holds, from the chunks'
 * own statistics (`pg_stats`, which autovacuum keeps for each chunk; the hypertable itself has
 * them only after an ANALYZE of it). `null` for a column no chunk has statistics of. An estimate,
 * for choosing a plan, never for an answer.
 */
export async function readDistinctEstimates(db: AnyPgDatabase, tableText: string, columns: readonly string[]): Promise<(number | null)[]> {
  if (columns.length === 0) return []
  const rows = await queryRows<{ name: string; n: number | null }>(
    db,
    sql`select s.attname::text as name,
          max(case when s.n_distinct >= 0 then s.n_distinct else -s.n_distinct * greatest(c.reltuples, 0) end)::float8 as n
        from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_namespace ns on ns.oid = c.relnamespace
        join pg_stats s on s.schemaname = ns.nspname and s.tablename = c.relname and not s.inherited
        where i.inhparent = ${tableText}::regclass and s.attname = any(${textArrayLiteral(columns)}::text[])
        group by s.attname`,
  )
  return columns.map((name) => {
    const n = rows.find((r) => r.name === name)?.n
    return n === undefined || n === null ? null : Number(n)
  })
}
