import { type SQL, sql } from 'drizzle-orm'
import type { ShapeColumn, TableShape } from './table-shape.ts'

/**
 * Every column of a declared table as read by the engine, aliased by its TypeScript key, each in
 * the form its codec decodes alike on every driver (times as UTC JSON text, json and big numbers
 * as text). `alias` qualifies the columns (`t`), or the table's own name is used.
 */
export function rowSelect(shape: TableShape, alias?: string): SQL {
  return sql.join(
    shape.columns.map((c) => sql`${c.codec.select(columnRef(c, alias))} as ${sql.identifier(c.key)}`),
    sql`, `,
  )
}

/** A column of the table, qualified by `alias` when given. */
export function columnRef(column: ShapeColumn, alias?: string): SQL {
  return alias === undefined ? sql`${sql.identifier(column.name)}` : sql`${sql.identifier(alias)}.${sql.identifier(column.name)}`
}

/** A row selected with {@link rowSelect} as the table's `$inferSelect` type. */
export function decodeRow<R>(shape: TableShape, row: Record<string, unknown>): R {
  const out: Record<string, unknown> = {}
  for (const c of shape.columns) {
    const value = row[c.key]
    out[c.key] = value === null || value === undefined ? null : c.codec.decode(value)
  }
  return out as R
}
