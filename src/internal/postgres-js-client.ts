import type postgres from 'postgres'
import type { AnyPgDatabase } from './query-rows.ts'

/**
 * The postgres.js pool behind a Drizzle `drizzle-orm/postgres-js` database, or `undefined` for
 * any other driver and for a transaction (which has no `$client`: work in it must stay on its
 * connection). Duck-typed so that importing the package does not load postgres.js.
 */
export function postgresJsClientOf(db: AnyPgDatabase): postgres.Sql | undefined {
  const client = (db as { $client?: unknown }).$client
  if (typeof client !== 'function') return undefined
  const candidate = client as Partial<postgres.Sql>
  const ok = typeof candidate.begin === 'function' && typeof candidate.unsafe === 'function' && typeof candidate.reserve === 'function'
  return ok ? (client as postgres.Sql) : undefined
}
