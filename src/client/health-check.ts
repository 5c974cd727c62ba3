import { sql } from 'drizzle-orm'
import type { HealthCheckResult } from '../client/client-types.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { validateNumber } from '../validation/validate-number.ts'
import type { ConnectionInfo } from './connection-info.ts'

/** Options of `healthCheck()`. */
export interface HealthCheckOptions {
  /** Give up (and report unhealthy) after this many milliseconds (default 10,000). */
  timeoutMs?: number
}

interface HealthRow extends Record<string, unknown> {
  version: string
  database: string
  timescaledb_version: string | null
  license: string | null
  has_schema: boolean
  ssl: boolean | null
}

/**
 * Asks the database for its PostgreSQL and TimescaleDB versions, the TimescaleDB license and the
 * database name, and times the round trip. It never throws: a failure is reported as
 * `isHealthy: false` with the reason in `errors` (passwords removed). A database without the
 * TimescaleDB extension or without the package's tables is reachable but not healthy: `errors`
 * says to run `migrate(db)`.
 *
 * @example
 * ```ts
 * const health = await checkHealth(db, { host: 'db', port: 5432, ssl: false })
 * if (!health.isHealthy) console.error(health.errors)
 * ```
 */
export async function checkHealth(
  db: AnyPgDatabase,
  connection: ConnectionInfo,
  options: HealthCheckOptions = {},
): Promise<HealthCheckResult> {
  const started = performance.now()
  const elapsed = () => Math.round((performance.now() - started) * 100) / 100
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    // Inside the try: a bad timeout is reported like any other failure (it never throws).
    const timeoutMs = validateNumber((options as HealthCheckOptions | null)?.timeoutMs, 'timeoutMs', { min: 1, max: 3_600_000 }) ?? 10_000
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`health check timed out after ${timeoutMs} ms`)), timeoutMs)
    })
    const [row] = await Promise.race([queryHealth(db), timeout])
    const responseTimeMs = elapsed()
    if (!row) throw new Error('health query returned no row')
    const errors = [
      ...(row.timescaledb_version ? [] : [`the timescaledb extension is not installed in database "${row.database}": run migrate(db)`]),
      ...(row.has_schema ? [] : ['table time_series_data not found: run migrate(db) or drizzle-kit migrate']),
    ]
    return {
      isHealthy: errors.length === 0,
      responseTimeMs,
      version: row.version,
      timescaledbVersion: row.timescaledb_version,
      license: row.license,
      database: row.database,
      timestamp: new Date(),
      connection: { ...connection, ssl: row.ssl ?? connection.ssl },
      ...(errors.length ? { errors } : {}),
    }
  } catch (error) {
    const mapped = toTimescaleError(error)
    return {
      isHealthy: false,
      responseTimeMs: elapsed(),
      timestamp: new Date(),
      connection: { ...connection },
      errors: [`${mapped.code}: ${mapped.message}`],
    }
  } finally {
    clearTimeout(timer)
  }
}

function queryHealth(db: AnyPgDatabase): Promise<HealthRow[]> {
  return queryRows<HealthRow>(
    db,
    sql`select version() as version,
               current_database() as database,
               (select extversion from pg_extension where extname = 'timescaledb') as timescaledb_version,
               current_setting('timescaledb.license', true) as license,
               to_regclass('time_series_data') is not null as has_schema,
               (select ssl from pg_stat_ssl where pid = pg_backend_pid()) as ssl`,
  )
}
