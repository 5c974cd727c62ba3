import type { SQL } from 'drizzle-orm'
import { timeSeriesShape } from './time-series-shape.ts'
import { writeTargetOf } from './write-target.ts'

/*
 * The record's columns as the write paths use them, read from the table object in src/schema
 * through its shape: adding a column there (and a migration) changes COPY, the staging table and
 * the upsert.
 */

const target = writeTargetOf(timeSeriesShape, [])

/** Every column of `time_series_data`, in table order: the order of the COPY paths. */
export const RECORD_COLUMNS: readonly string[] = timeSeriesShape.columns.map((c) => c.name)

/** The primary key's columns: a record with the same key replaces the stored one. */
export const KEY_COLUMNS: readonly string[] = timeSeriesShape.key.map((i) => timeSeriesShape.columns[i]?.name as string)

/** {@link RECORD_COLUMNS} as a column list for a `COPY` or `INSERT` statement. */
export const COPY_COLUMNS: string = target.columnList

/** The design's upsert: on the same key, every other column takes the new record's value. */
export const upsertOnConflict: SQL = target.upsert as SQL
