import { entityKind, is } from 'drizzle-orm'
import { PgTransaction } from 'drizzle-orm/pg-core'
import type postgres from 'postgres'
import type { AnyPgDatabase } from './any-pg-database.ts'

/** The drivers the package knows by name; `unknown` for any other. */
export type DriverName = 'postgres-js' | 'pglite' | 'node-postgres' | 'bun-sql' | 'unknown'

/** Which driver a Drizzle database runs on, and whether it is a transaction. */
export interface Driver {
  name: DriverName
  /** A transaction (`db.transaction(tx => ...)`): work must stay on its connection. */
  inTransaction: boolean
  /** The driver's own client (`db.$client`: a postgres.js pool, a PGlite instance, ...), outside a transaction. */
  client: unknown
}

// By Drizzle's own session classes (their entityKind, which holds across copies of drizzle-orm),
// not by the client's shape: a Bun SQL client has the methods of a postgres.js pool.
const SESSIONS: Readonly<Record<string, DriverName>> = {
  PostgresJsSession: 'postgres-js',
  PgliteSession: 'pglite',
  NodePgSession: 'node-postgres',
  BunSQLSession: 'bun-sql',
}

/**
 * The driver behind a Drizzle database, in the one place that decides it (every read and write
 * path asks here). Importing it loads no driver.
 *
 * @example
 * ```ts
 * driverOf(drizzle(postgres(url))) // { name: 'postgres-js', inTransaction: false, client: <the pool> }
 * ```
 */
export function driverOf(db: AnyPgDatabase): Driver {
  // Asked on every query (queryRows) and several times per write: decided once per database object.
  let driver = known.get(db)
  if (!driver) {
    const session = (db as unknown as { session?: object }).session
    const kind = session ? (session.constructor as { [entityKind]?: unknown })[entityKind] : undefined
    const name = (typeof kind === 'string' && SESSIONS[kind]) || 'unknown'
    const inTransaction = is(db, PgTransaction)
    driver = { name, inTransaction, client: inTransaction ? undefined : (db as { $client?: unknown }).$client }
    known.set(db, driver)
  }
  return driver
}

const known = new WeakMap<object, Driver>()

/** The postgres.js pool behind `db`, or `undefined` for another driver and for a transaction. */
export function postgresJsClientOf(db: AnyPgDatabase): postgres.Sql | undefined {
  const driver = driverOf(db)
  return driver.name === 'postgres-js' && typeof driver.client === 'function' ? (driver.client as postgres.Sql) : undefined
}

/** A client whose COPY can read a Blob as the file /dev/blob: the embedded PGlite. */
export interface BlobCopyClient {
  query(text: string, params?: unknown[], options?: { blob?: Blob }): Promise<unknown>
  /** PGlite's own transaction: the one connection held for `callback` alone. */
  transaction<T>(callback: (tx: Pick<BlobCopyClient, 'query'>) => Promise<T>): Promise<T>
}

/** The PGlite instance behind `db`, or `undefined` for another driver and for a transaction. */
export function blobCopyClientOf(db: AnyPgDatabase): BlobCopyClient | undefined {
  const driver = driverOf(db)
  return driver.name === 'pglite' && driver.client !== null && typeof driver.client === 'object'
    ? (driver.client as BlobCopyClient)
    : undefined
}

/** The node-postgres Pool or Client behind `db`, or `undefined` for another driver and for a transaction. */
export function nodePgClientOf(db: AnyPgDatabase): object | undefined {
  const driver = driverOf(db)
  return driver.name === 'node-postgres' && driver.client !== null && typeof driver.client === 'object' ? driver.client : undefined
}
