import { sql } from 'drizzle-orm'
import { compressionEnabled, readServerInfo, versionAtLeast } from '../catalog/index.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { invalid } from '../validation/invalid.ts'
import { requireTimescaleLicense } from './require-timescale-license.ts'
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
  await requireTimescaleLicense(db, operation, 'directCompress')
  const server = await readServerInfo(db)
  if (!versionAtLeast(server, 2, 21)) {
    throw invalid('directCompress', `needs TimescaleDB 2.21 or later (this server has ${server.timescaledbVersion ?? 'no TimescaleDB'})`)
  }
  const [row] = await queryRows<{ enabled: boolean }>(db, sql`select ${compressionEnabled(shape.tableText)} as enabled`)
  if (row?.enabled !== true) {
    throw invalid(
      'directCompress',
      `needs the columnstore enabled on ${shape.name}: declare compression in hypertable(...) (or ALTER TABLE ... SET (timescaledb.compress))`,
    )
  }
}
