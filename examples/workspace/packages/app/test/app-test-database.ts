import { migrate } from 'drizzle-orm/pglite/migrator'
import { createTestDatabase, type TestDatabase } from 'drizzle-timescale/testing'
import { appMigrationsFolder } from '../src/migrations.ts'

/**
 * A fresh in-memory TimescaleDB with the package's migrations (from the testing kit) and then the
 * app's own, applied by drizzle's PGlite migrator from the app's drizzle-kit folder: the same two
 * steps, in the same order and into the same two migrations tables, as `bun run migrate`.
 */
export async function createAppTestDatabase(): Promise<TestDatabase> {
  const tsdb = await createTestDatabase()
  try {
    await migrate(tsdb.db, { migrationsFolder: appMigrationsFolder })
  } catch (error) {
    await tsdb.close()
    throw error
  }
  return tsdb
}
