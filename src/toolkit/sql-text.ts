import type { SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'

const dialect = new PgDialect()

/**
 * A Drizzle `sql` fragment as the text of a migration file: identifiers quoted by Drizzle,
 * values inlined as escaped literals (`'it''s'`). Only for DDL the toolkit builds from checked
 * declarations; queries keep their parameters.
 */
export function sqlText(fragment: SQL): string {
  return dialect.sqlToQuery(fragment.inlineParams()).sql
}
