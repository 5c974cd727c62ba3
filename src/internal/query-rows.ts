import type { SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import type { AnyPgDatabase } from './any-pg-database.ts'
import { postgresJsClientOf } from './driver.ts'

export type { AnyPgDatabase } from './any-pg-database.ts'

const dialect = new PgDialect()

/**
 * Runs a query and returns its rows, whatever the driver: postgres.js answers with an array,
 * PGlite and node-postgres with `{ rows }`.
 *
 * On a postgres.js pool the query runs as a prepared statement: Drizzle's `execute` sends it
 * unnamed, which costs postgres.js a describe round trip and the server a parse and plan on every
 * call (docs/performance.md). A pool made with `prepare: false` (e.g.
 * behind PgBouncer in transaction mode) keeps its choice: postgres.js lets the pool's option win.
 */
export async function queryRows<T extends Record<string, unknown>>(db: AnyPgDatabase, query: SQL): Promise<T[]> {
  const pool = postgresJsClientOf(db)
  if (pool) {
    const { sql, params } = dialect.sqlToQuery(query)
    return (await pool.unsafe(sql, params as never[], { prepare: true })) as unknown as T[]
  }
  const result: unknown = await db.execute(query)
  if (Array.isArray(result)) return result as T[]
  return ((result as { rows?: T[] }).rows ?? []) as T[]
}
