import { sql } from 'drizzle-orm'
import { ErrorCodes, QueryError } from '../errors.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'

/**
 * Throws `FEATURE_NOT_LICENSED` unless the server has the Timescale license. For features that do
 * not fail on the Apache edition but answer wrongly there (time_bucket_gapfill over an empty range
 * returns no rows instead of failing): a cheap GUC read first.
 */
export async function requireTimescaleLicense(db: AnyPgDatabase, operation: string, feature: string): Promise<void> {
  const license = await licenseOf(db)
  if (license !== 'timescale') {
    throw new QueryError(
      `${operation} failed: ${feature} needs the Timescale license; this server's timescaledb.license is ${license ?? 'not set'}`,
      ErrorCodes.LICENSE,
      { details: { operation, license } },
    )
  }
}

/** `timescaledb.license` of the session (`timescale`, `apache`), `null` where the extension is not loaded: one GUC read. */
export async function licenseOf(db: AnyPgDatabase): Promise<string | null> {
  const [row] = await queryRows<{ license: string | null }>(db, sql`select current_setting('timescaledb.license', true) as license`)
  return row?.license ?? null
}
