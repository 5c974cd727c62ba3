import { sql } from 'drizzle-orm'
import { ErrorCodes, QueryError } from '../errors.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { invalid } from '../validation/invalid.ts'
import type { TableShape } from './table-shape.ts'

/**
 * Throws unless `insertMany(rows, { directCompress: true })` can land the rows compressed: a table
 * without a key (TimescaleDB skips direct compress on a table with a unique constraint, with only
 * a WARNING), the Timescale license (`LICENSE`), TimescaleDB 2.21+ and the columnstore enabled
 * on the hypertable (without it, TimescaleDB copies into the rowstore without a word).
 *
 * @throws {ValidationError} field `directCompress`.
 * @throws {QueryError} `LICENSE` on the Apache edition.
 */
export async function requireDirectCompress(db: AnyPgDatabase, shape: TableShape, operation: string): Promise<void> {
  if (shape.key.length > 0) {
    throw invalid('directCompress', `needs a table without a key: ${shape.name}'s rows are upserted, which the columnstore cannot take`)
  }
  const [row] = await queryRows<{ license: string | null; version: string | null; compression: boolean | null }>(
    db,
    sql`select current_setting('timescaledb.license', true) as license,
          (select extversion from pg_extension where extname = 'timescaledb') as version,
          (select h.compression_enabled from timescaledb_information.hypertables h
            join pg_namespace n on n.nspname = h.hypertable_schema
            join pg_class c on c.relnamespace = n.oid and c.relname = h.hypertable_name
            where c.oid = to_regclass(${shape.tableText})) as compression`,
  )
  if (row?.license !== 'timescale') {
    throw new QueryError(
      `${operation} failed: directCompress needs the Timescale license; this server's timescaledb.license is ${row?.license ?? 'not set'}`,
      ErrorCodes.LICENSE,
      { details: { operation, license: row?.license ?? null } },
    )
  }
  const [major = 0, minor = 0] = (row.version ?? '').split('.').map(Number)
  if (major < 2 || (major === 2 && minor < 21)) {
    throw invalid('directCompress', `needs TimescaleDB 2.21 or later (this server has ${row.version ?? 'no TimescaleDB'})`)
  }
  if (row.compression !== true) {
    throw invalid(
      'directCompress',
      `needs the columnstore enabled on ${shape.name}: declare compression in hypertable(...) (or ALTER TABLE ... SET (timescaledb.compress))`,
    )
  }
}
