import type { PGlite } from '@electric-sql/pglite'
import type { PgliteDatabase } from 'drizzle-orm/pglite'
import { migrate } from '../migrate.ts'
import * as schema from '../schema/index.ts'
import { loadOptional } from './load-optional.ts'

/*
 * The only module that touches the PGlite build with TimescaleDB (a fork of PGlite 0.3.14 bundling
 * TimescaleDB 2.23 with its TSL module). package.json installs it under the name
 * `@electric-sql/pglite` so that `drizzle-orm/pglite` uses it; swapping it for upstream PGlite,
 * once upstream ships TimescaleDB, is a change to package.json and this file. It is an optional
 * peer dependency, imported only when an embedded database is opened.
 */

/** Options of {@link createEmbeddedDatabase}. */
export interface EmbeddedDatabaseOptions {
  /** Keep the database in this directory (created if missing). In memory when omitted. */
  dataDir?: string
  /** Apply the package's migrations (default `true`). */
  migrate?: boolean
}

/** The Drizzle database over an embedded TimescaleDB, with the package's tables in its schema. */
export type EmbeddedDrizzle = PgliteDatabase<typeof schema> & { $client: PGlite }

/** An embedded TimescaleDB: its Drizzle database, the PGlite instance, and `close()`. */
export interface EmbeddedDatabase extends AsyncDisposable {
  db: EmbeddedDrizzle
  pglite: PGlite
  /** Closes the database (and flushes it to `dataDir` when persisted). Idempotent. */
  close(): Promise<void>
}

/**
 * Starts an in-process TimescaleDB (PostgreSQL 17 in WASM, with the full Timescale license:
 * compression, continuous aggregates and policies), loads the extension, applies the package's
 * migrations and hands back a Drizzle database. Cold start takes a few seconds.
 *
 * Background jobs do not run on a schedule in the embedded database: run a policy with
 * `CALL run_job(id)`.
 *
 * @example
 * ```ts
 * import { createEmbeddedDatabase } from 'drizzle-timescale/embedded'
 * import { timeSeriesData } from 'drizzle-timescale/schema'
 *
 * await using tsdb = await createEmbeddedDatabase()
 * await tsdb.db.insert(timeSeriesData).values({ entity_id: 'sensor-1', time: '2024-01-15T10:30:00Z', value: 23.5 })
 * ```
 */
export async function createEmbeddedDatabase(options: EmbeddedDatabaseOptions = {}): Promise<EmbeddedDatabase> {
  const pglite = await openPglite({ dataDir: options.dataDir })
  try {
    // A reopened data directory has the extension in its catalog, so CREATE EXTENSION does
    // nothing and TimescaleDB's library stays unloaded: inserts into a hypertable then fail
    // ("invalid INSERT on the root table of hypertable"). LOAD it explicitly.
    await pglite.exec(`LOAD 'timescaledb'; CREATE EXTENSION IF NOT EXISTS timescaledb`)
    const db = (await pgliteDrizzle())(pglite, { schema }) as EmbeddedDrizzle
    if (options.migrate !== false) await migrate(db)
    let closing: Promise<void> | undefined
    const close = () => (closing ??= pglite.closed ? Promise.resolve() : pglite.close())
    return { db, pglite, close, [Symbol.asyncDispose]: close }
  } catch (error) {
    await pglite.close().catch(() => {})
    throw error
  }
}

/**
 * Opens the PGlite build: in `dataDir`, or in memory (from the `loadDataDir` dump when given);
 * without TimescaleDB when `timescaledb` is false (a plain PostgreSQL, used by the tests of the
 * "no TimescaleDB" migration error).
 * @internal
 */
export async function openPglite(options: { dataDir?: string; loadDataDir?: Blob; timescaledb?: boolean } = {}): Promise<PGlite> {
  const needs = 'the embedded database'
  const { PGlite } = await loadOptional('@electric-sql/pglite', needs, () => import('@electric-sql/pglite'))
  const { timescaledb } = await loadOptional('@electric-sql/pglite', needs, () => import('@electric-sql/pglite/timescaledb'))
  return PGlite.create({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir }),
    ...(options.timescaledb === false ? {} : { extensions: { timescaledb } }),
  })
}

/** drizzle-orm/pglite's `drizzle` (it imports PGlite itself: loaded on demand too). @internal */
export async function pgliteDrizzle(): Promise<typeof import('drizzle-orm/pglite').drizzle> {
  return (await loadOptional('@electric-sql/pglite', 'the embedded database', () => import('drizzle-orm/pglite'))).drizzle
}
