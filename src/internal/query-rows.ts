import type { SQL } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'

/** Any Drizzle PostgreSQL database or transaction: postgres.js, PGlite, node-postgres, ... */
// biome-ignore lint: the schema parameter is the caller's own.
export type AnyPgDatabase = PgDatabase<PgQueryResultHKT, any, any>

/**
 * Runs a query and returns its rows, whatever the driver: postgres.js answers with an array,
 * PGlite and node-postgres with `{ rows }`.
 */
export async function queryRows<T extends Record<string, unknown>>(db: AnyPgDatabase, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query)
  if (Array.isArray(result)) return result as T[]
  return ((result as { rows?: T[] }).rows ?? []) as T[]
}
