import type { Sql } from 'postgres'

/**
 * Stops a postgres.js pool from fetching array types on each new connection, once one connection
 * of it has (the parsers that fetch registers live in the pool's shared options, so every later
 * connection parses arrays the same). Call it after a query succeeded on the pool.
 *
 * Workaround for porsager/postgres#1192, #1205 and #1223 (postgres.js 3.4.9): every new connection
 * runs that fetch first and drops its promise, so a connection terminated or cancelled during it
 * (`pg_terminate_backend`, a restart, a failover: when a pool opens new connections) raises an
 * unhandled rejection that ends a Node.js process, and replays the old backend's error onto the
 * next query. Seen here: `parallel: 4` writes with their connections terminated three times.
 *
 * @example
 * ```ts
 * await sql`select 1`
 * fetchTypesOnce(sql)
 * ```
 */
export function fetchTypesOnce(sql: Sql): void {
  const options = sql.options as { fetch_types: boolean; shared?: { typeArrayMap?: Record<string, unknown> } }
  // Only once the shared parsers hold the array types (a pool made with fetch_types: false has none to keep).
  if (options.fetch_types && Object.keys(options.shared?.typeArrayMap ?? {}).length > 0) options.fetch_types = false
}
