import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { ErrorCodes, MigrationError } from './errors.ts'
import { findPgError } from './internal/pg-error.ts'
import { type AnyPgDatabase, queryRows } from './internal/query-rows.ts'
import { setJobsScheduled } from './jobs/set-jobs-scheduled.ts'
import { migrationsSchema, migrationsTable } from './migrations-table.ts'

/** The folder holding the package's migrations (`drizzle/` at the package root). */
export const migrationsFolder: string = fileURLToPath(new URL('../drizzle', import.meta.url))
export { migrationsSchema, migrationsTable } from './migrations-table.ts'

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /**
   * Leave every user-defined job (the package's policies, and yours) paused, in the same
   * transaction as the migrations, so that no job scheduler runs one before you resume them with
   * `setJobsScheduled(db, true)`. For tests on a real server
   * that write rows dated in the past. Default `false`: the policies run on their schedule.
   */
  pauseJobs?: boolean
}

/** What {@link migrate} did. */
export interface MigrateResult {
  /** Tags of the migrations applied by this call, in order (empty when already up to date). */
  applied: string[]
}

// An arbitrary constant key for pg_advisory_xact_lock: concurrent migrate() calls wait for each other.
const MIGRATION_LOCK_KEY = 7_283_946_151

/**
 * Applies the package's pending migrations (tables, hypertable, compression, retention,
 * the `hourly_metrics` continuous aggregate) to any Drizzle PostgreSQL database: postgres.js,
 * the embedded PGlite, or another driver. Safe to call on every start: already-applied
 * migrations are skipped, and concurrent callers are serialized by an advisory lock.
 *
 * It writes the same migrations table as `drizzle-kit migrate` with this package's
 * `drizzle.config.ts`, so the two paths can be mixed. All pending migrations run in one transaction.
 *
 * @throws {MigrationError} `TIMESCALEDB_MISSING` when the server has no TimescaleDB, with how to install it;
 *   `MIGRATION_ERROR` for any other failure (nothing is applied then).
 * @example
 * ```ts
 * import postgres from 'postgres'
 * import { drizzle } from 'drizzle-orm/postgres-js'
 * import { migrate } from 'drizzle-timescale/migrate'
 *
 * const db = drizzle(postgres(process.env.DATABASE_URL!))
 * const { applied } = await migrate(db)
 * ```
 */
export async function migrate(db: AnyPgDatabase, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = readMigrationFiles({ migrationsFolder })
  const table = sql`${sql.identifier(migrationsSchema)}.${sql.identifier(migrationsTable)}`
  const applied: string[] = []
  const tags = readTags()
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`)
      await tx.execute(sql`create schema if not exists ${sql.identifier(migrationsSchema)}`)
      await tx.execute(sql`create table if not exists ${table} (id serial primary key, hash text not null, created_at bigint)`)
      const [last] = await queryRows<{ created_at: string | number }>(
        tx,
        sql`select created_at from ${table} order by created_at desc limit 1`,
      )
      const lastMillis = last ? Number(last.created_at) : -1
      for (const [index, migration] of migrations.entries()) {
        if (migration.folderMillis <= lastMillis) continue
        for (const statement of migration.sql) {
          if (statement.trim()) await tx.execute(sql.raw(statement))
        }
        await tx.execute(sql`insert into ${table} (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`)
        applied.push(tags[index] ?? String(migration.folderMillis))
      }
      if (options.pauseJobs) await setJobsScheduled(tx, false)
    })
  } catch (error) {
    throw toMigrationError(error)
  }
  return { applied }
}

function readTags(): string[] {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as { entries: { tag: string }[] }
  return journal.entries.map((entry) => entry.tag)
}

function toMigrationError(error: unknown): MigrationError {
  const pg = findPgError(error)
  const missing = pg && (pg.message.includes('needs the TimescaleDB extension') || /extension "timescaledb"/.test(pg.message))
  const message = pg ? [pg.message, pg.detail, pg.hint].filter(Boolean).join('\n') : String(error)
  return new MigrationError(
    `drizzle-timescale migration failed: ${message}`,
    missing ? ErrorCodes.TIMESCALEDB_MISSING : ErrorCodes.MIGRATION,
    { cause: error, details: { sqlState: pg?.code, hint: pg?.hint } },
  )
}
