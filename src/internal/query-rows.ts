import type { SQL } from 'drizzle-orm'
import type { AnyPgDatabase } from './any-pg-database.ts'
import { plansCustom } from './custom-plan-pools.ts'
import { blobCopyClientOf, postgresJsClientOf } from './driver.ts'
import { embeddedPreparedRows, preparesEmbedded } from './embedded-prepared-rows.ts'
import { renderQuery } from './render-query.ts'

export type { AnyPgDatabase } from './any-pg-database.ts'

/**
 * Runs a query and returns its rows, whatever the driver: postgres.js answers with an array,
 * PGlite and node-postgres with `{ rows }`.
 *
 * On a postgres.js pool the package opened (whose sessions plan every statement for its
 * parameters: custom-plan-pools.ts) the query runs as a prepared statement: Drizzle's `execute`
 * sends it unnamed, which costs postgres.js a describe round trip and the server a parse on every
 * call (docs/performance.md). On any other pool it runs unnamed: a prepared statement would be
 * planned generically from its sixth run, opening every chunk of the hypertable. A pool made with
 * `prepare: false` (e.g. behind PgBouncer in transaction mode) keeps its choice. On the embedded
 * database a read without parameters is prepared with SQL's PREPARE (embedded-prepared-rows.ts).
 */
export async function queryRows<T extends Record<string, unknown>>(db: AnyPgDatabase, query: SQL): Promise<T[]> {
  const pool = postgresJsClientOf(db)
  if (pool) {
    const { sql, params } = renderQuery(query)
    // postgres.js sends a statement without parameters by the simple protocol unless told not to:
    // parsed and planned on every call, where a prepared one keeps its plan (a plan without
    // parameters is the same for every call, so PostgreSQL caches it whatever plan_cache_mode says).
    const options = plansCustom(pool) ? { prepare: true, simple: false } : { prepare: false }
    return (await pool.unsafe(sql, params as never[], options)) as unknown as T[]
  }
  let result: unknown
  const pglite = blobCopyClientOf(db)
  const rendered = pglite ? renderQuery(query) : undefined
  if (pglite && rendered && preparesEmbedded(rendered.sql, rendered.params)) result = await embeddedPreparedRows(db, pglite, rendered.sql)
  else result = await db.execute(query)
  if (Array.isArray(result)) return result as T[]
  return ((result as { rows?: T[] }).rows ?? []) as T[]
}
