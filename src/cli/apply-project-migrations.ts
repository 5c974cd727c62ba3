import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { sql } from 'drizzle-orm'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import { queryRows } from '../internal/query-rows.ts'
import type { CliDatabase } from './open-cli-database.ts'
import { UsageError } from './usage-error.ts'

/** Where a consuming project's drizzle-kit migrations are, and where drizzle records them. */
export interface ProjectMigrations {
  folder: string
  table: string
  schema: string
}

/**
 * Applies a consuming project's drizzle-kit migrations folder with drizzle's own migrator (its
 * table, `drizzle.__drizzle_migrations` by default: never the package's) and returns the tags
 * of the migrations it applied.
 */
export async function applyProjectMigrations(target: CliDatabase, project: ProjectMigrations): Promise<string[]> {
  const folder = resolve(project.folder)
  const journalPath = join(folder, 'meta', '_journal.json')
  if (!existsSync(journalPath)) {
    throw new UsageError(`--folder ${project.folder} is not a drizzle-kit migrations folder (no meta/_journal.json)`)
  }
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string; when: number }[] }
  const config = { migrationsFolder: folder, migrationsTable: project.table, migrationsSchema: project.schema }
  const migrations = readMigrationFiles(config)
  const last = await lastAppliedMillis(target, project)
  const pending = journal.entries.filter((_, i) => (migrations[i]?.folderMillis ?? 0) > last).map((e) => e.tag)
  if (target.kind === 'embedded') await migratePglite(target.db as Parameters<typeof migratePglite>[0], config)
  else await migratePostgres(target.db as Parameters<typeof migratePostgres>[0], config)
  return pending
}

async function lastAppliedMillis(target: CliDatabase, project: ProjectMigrations): Promise<number> {
  const [exists] = await queryRows<{ name: string | null }>(
    target.db,
    sql`select to_regclass(${`${quoteIdent(project.schema)}.${quoteIdent(project.table)}`})::text as name`,
  )
  if (!exists?.name) return -1
  const [row] = await queryRows<{ last: string | number | null }>(
    target.db,
    sql`select max(created_at) as last from ${sql.identifier(project.schema)}.${sql.identifier(project.table)}`,
  )
  return row?.last === null || row?.last === undefined ? -1 : Number(row.last)
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
