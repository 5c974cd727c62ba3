import { getTableColumns, type SQL, sql } from 'drizzle-orm'
import { getTableConfig } from 'drizzle-orm/pg-core'
import { timeSeriesData } from '../schema/time-series-data.ts'

/*
 * The record's columns as the write paths use them, read from the table object in src/schema:
 * adding a column there (and a migration) changes COPY, the staging table and the upsert here.
 */

/** Every column of `time_series_data`, in table order: the order of the COPY paths. */
export const RECORD_COLUMNS: readonly string[] = Object.values(getTableColumns(timeSeriesData)).map((c) => c.name)

/** The primary key's columns: a record with the same key replaces the stored one. */
export const KEY_COLUMNS: readonly string[] = (getTableConfig(timeSeriesData).primaryKeys[0]?.columns ?? []).map((c) => c.name)

// Plain lower-case names stay bare (as PostgreSQL prints them); any other is quoted.
const columnList = (names: readonly string[]) =>
  names.map((n) => (/^[a-z_][a-z0-9_]*$/.test(n) ? n : `"${n.replaceAll('"', '""')}"`)).join(', ')

/** {@link RECORD_COLUMNS} as a column list for a `COPY` or `INSERT` statement. */
export const COPY_COLUMNS: string = columnList(RECORD_COLUMNS)

/** The design's upsert: on the same key, every other column takes the new record's value. */
export const upsertOnConflict: SQL = sql`on conflict (${sql.join(
  KEY_COLUMNS.map((c) => sql.identifier(c)),
  sql`, `,
)}) do update set ${sql.join(
  RECORD_COLUMNS.filter((c) => !KEY_COLUMNS.includes(c)).map((c) => sql`${sql.identifier(c)} = excluded.${sql.identifier(c)}`),
  sql`, `,
)}`
