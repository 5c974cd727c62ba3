import type { Options, PostgresType } from 'postgres'
import type { ConnectionOptions } from '../client/client-types.ts'
import { invalid } from '../validation/invalid.ts'
import { validateNumber } from '../validation/validate-number.ts'

/** postgres.js options as this package passes them. */
export type PostgresOptions = Options<Record<string, PostgresType>>

/** The pool defaults of the design, in its names; times in seconds. */
export const DEFAULT_CONNECTION_OPTIONS = Object.freeze({
  maxConnections: 10,
  maxLifetime: 3600,
  idleTimeout: 0,
  connectTimeout: 30,
})

const SSL_MODES = new Set(['require', 'allow', 'prefer', 'verify-full'])

/**
 * Translates the design's connection options to postgres.js options (`maxConnections` → `max`,
 * `maxLifetime` → `max_lifetime`, `idleTimeout` → `idle_timeout`, `connectTimeout` →
 * `connect_timeout`, `ssl`), validating each (`ValidationError` naming the field) and filling in
 * the defaults, except for the postgres.js keys listed in `setElsewhere` (those a connection
 * string already sets in its query, such as `?connect_timeout=5`). Server NOTICEs are silenced.
 *
 * @example
 * ```ts
 * const sql = postgres(url, toPostgresOptions({ maxConnections: 20, connectTimeout: 5 }))
 * ```
 * @see https://github.com/porsager/postgres#connection-details
 */
export function toPostgresOptions(options: ConnectionOptions, setElsewhere: ReadonlySet<string> = new Set()): PostgresOptions {
  const max = validateNumber(options.maxConnections, 'maxConnections', { min: 1, max: 10_000, integer: true })
  const maxLifetime = validateNumber(options.maxLifetime, 'maxLifetime', { min: 0 })
  const idleTimeout = validateNumber(options.idleTimeout, 'idleTimeout', { min: 0 })
  const connectTimeout = validateNumber(options.connectTimeout, 'connectTimeout', { min: 0.001, max: 3600 })
  const ssl = checkSsl(options.ssl)
  const pick = (key: string, given: number | undefined, fallback: number) =>
    given !== undefined ? { [key]: given } : setElsewhere.has(key) ? {} : { [key]: fallback }
  return {
    ...pick('max', max, DEFAULT_CONNECTION_OPTIONS.maxConnections),
    ...pick('max_lifetime', maxLifetime, DEFAULT_CONNECTION_OPTIONS.maxLifetime),
    ...pick('idle_timeout', idleTimeout, DEFAULT_CONNECTION_OPTIONS.idleTimeout),
    ...pick('connect_timeout', connectTimeout, DEFAULT_CONNECTION_OPTIONS.connectTimeout),
    // Left out when not given, so that `?sslmode=` of a connection string applies.
    ...(ssl === undefined ? {} : { ssl }),
    // Custom plans only: a generic plan of a prepared statement on a hypertable opens every chunk
    // (internal/custom-plan-pools.ts). A startup parameter: PgBouncer refuses it unless listed in
    // its ignore_startup_parameters, and then drops it (connect-postgres.ts retries without it).
    ...(setElsewhere.has('plan_cache_mode') ? {} : { connection: { plan_cache_mode: 'force_custom_plan' } }),
    onnotice: () => {},
  }
}

function checkSsl(ssl: unknown): PostgresOptions['ssl'] | undefined {
  if (ssl === undefined || typeof ssl === 'boolean') return ssl
  if (typeof ssl === 'string' && SSL_MODES.has(ssl)) return ssl as PostgresOptions['ssl']
  if (ssl !== null && typeof ssl === 'object' && !Array.isArray(ssl)) return ssl as PostgresOptions['ssl']
  throw invalid('ssl', `must be a boolean, one of ${[...SSL_MODES].map((m) => `'${m}'`).join(', ')}, or tls.connect options`)
}
