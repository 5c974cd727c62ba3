import { openPglite, pgliteDrizzle } from '../embedded/embedded-database.ts'
import { createEmbeddedDatabase, type EmbeddedDatabase, type EmbeddedDrizzle } from '../embedded/index.ts'
import * as schema from '../schema/index.ts'

/** Options of {@link createTestDatabase}. */
export interface TestDatabaseOptions {
  /**
   * Apply the package's migrations (default `true`). With `false` the database has the
   * TimescaleDB extension and nothing else, for tests of your own migrations (loaded from a
   * template of its own).
   */
  migrate?: boolean
}

/** A database of one test: the Drizzle database, the PGlite instance, and `close()`. */
export type TestDatabase = EmbeddedDatabase

/*
 * Every database is loaded from a dump of a template made once per process, one migrated and one
 * with the extension only (the first call of each kind pays for initdb, the extension, the
 * migrations and the dump). The dump is kept (30 MB), so each database skips dumping the template
 * again, as `pglite.clone()` would (0.3 s each). Most of what is left is PGlite's own start
 * (docs/performance.md has the figures).
 */
const templates = new Map<boolean, Promise<Blob>>()

/**
 * A fresh, migrated, in-memory TimescaleDB (PostgreSQL 17 in WASM with the Timescale license:
 * hypertables, compression, continuous aggregates, policies) as a Drizzle database, for one test
 * or one test file. Every call gives a database of its own: tests never see each other's rows.
 * Close it with `close()`, or let `await using` do it.
 *
 * Databases are loaded from a template built on the first call of each kind (about 5 s once, then
 * about 1.3 s per database on 2 cores, where create + migrate takes about 1.55 s). Background jobs do not run on a schedule: run a policy with
 * `CALL run_job(id)`.
 *
 * @example
 * ```ts
 * import { afterAll, beforeAll, expect, test } from 'bun:test'
 * import { getTimeBuckets, insertManyRecords } from 'drizzle-timescale'
 * import { createTestDatabase, type TestDatabase } from 'drizzle-timescale/testing'
 *
 * let tsdb: TestDatabase
 * beforeAll(async () => { tsdb = await createTestDatabase() })
 * afterAll(() => tsdb.close())
 *
 * test('hourly averages', async () => {
 *   await insertManyRecords(tsdb.db, [
 *     { entity_id: 'sensor-1', time: '2024-01-15T10:10:00Z', value: 20 },
 *     { entity_id: 'sensor-1', time: '2024-01-15T10:40:00Z', value: 22 },
 *   ])
 *   const [bucket] = await getTimeBuckets(tsdb.db, 'sensor-1', '1 hour', {
 *     from: '2024-01-15T00:00:00Z',
 *     to: '2024-01-16T00:00:00Z',
 *   })
 *   expect(bucket?.value).toBe(21)
 * })
 * ```
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const migrate = options.migrate ?? true
  let template = templates.get(migrate)
  if (!template) {
    template = dumpTemplate(migrate).catch((error: unknown) => {
      templates.delete(migrate)
      throw error
    })
    templates.set(migrate, template)
  }
  const pglite = await openPglite({ loadDataDir: await template })
  try {
    // A copied data directory does not load TimescaleDB's library by itself: without it,
    // inserts into a hypertable fail with "invalid INSERT on the root table of hypertable".
    await pglite.exec(`LOAD 'timescaledb'`)
  } catch (error) {
    await pglite.close().catch(() => {})
    throw error
  }
  const db = (await pgliteDrizzle())(pglite, { schema }) as EmbeddedDrizzle
  let closing: Promise<void> | undefined
  const close = () => (closing ??= pglite.closed ? Promise.resolve() : pglite.close())
  return { db, pglite, close, [Symbol.asyncDispose]: close }
}

async function dumpTemplate(migrate: boolean): Promise<Blob> {
  const template = await createEmbeddedDatabase({ migrate })
  try {
    return await template.pglite.dumpDataDir('none')
  } finally {
    await template.close()
  }
}
