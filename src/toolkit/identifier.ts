import { type SQL, sql } from 'drizzle-orm'
import { invalid } from '../validation/invalid.ts'

// PostgreSQL's limit (NAMEDATALEN - 1); longer names are silently truncated by the server.
const MAX_IDENTIFIER_BYTES = 63
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const UNSAFE = /[\u0000-\u001f"]/

/**
 * Checks a table, view or column name before it goes into a migration: 1 to 63 bytes, no control
 * characters or double quotes. Names are always quoted in the SQL, so case and spaces are kept.
 */
export function checkIdentifier(name: unknown, field: string): string {
  if (typeof name !== 'string' || name.length === 0) throw invalid(field, 'must be a non-empty name')
  if (new TextEncoder().encode(name).length > MAX_IDENTIFIER_BYTES) {
    throw invalid(field, `must be at most ${MAX_IDENTIFIER_BYTES} bytes long (PostgreSQL truncates longer names)`)
  }
  if (UNSAFE.test(name)) throw invalid(field, 'must not contain double quotes or control characters')
  return name
}

/** `"schema"."name"`: the text TimescaleDB's functions read as a `regclass`. */
export function regclassText(key: { schema: string; name: string }): string {
  return `"${key.schema}"."${key.name}"`
}

/** `"schema"."name"` as SQL, for DDL (`ALTER TABLE`, `DROP MATERIALIZED VIEW`): names that passed {@link checkIdentifier}. */
export function qualifiedName(key: { schema: string; name: string }): SQL {
  return sql.raw(regclassText(key))
}
