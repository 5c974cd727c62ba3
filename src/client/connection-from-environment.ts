import type { ConnectionConfig } from '../client/client-types.ts'
import { invalid } from '../validation/invalid.ts'
import { sslOption } from './ssl-mode.ts'

/** Where {@link connectionFromEnvironment} found the connection. */
export type EnvironmentConnection = { url: string } | { config: ConnectionConfig }

/** The libpq variables read when `DATABASE_URL` is not set. */
export const PG_ENVIRONMENT_VARIABLES = ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSSLMODE', 'PGSSLROOTCERT'] as const

/**
 * Reads the connection from the environment: `DATABASE_URL` when set (and not empty), else the
 * libpq variables `PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`, `PGPASSWORD`, `PGSSLMODE`
 * (`disable`, `allow`, `prefer`, `require`, `verify-ca`, `verify-full`) and `PGSSLROOTCERT` (the
 * CA certificates to trust, as libpq reads it: with it, `require` verifies the chain too), when
 * `DATABASE_URL` is not set (in a URL: `?sslmode=verify-full&sslrootcert=/path/ca.crt`).
 *
 * @throws {ValidationError} when none of them is set, or `PGPORT`/`PGSSLMODE` is invalid, or the
 *   `PGSSLROOTCERT` file cannot be read (`details.field` names the variable).
 * @example
 * ```ts
 * connectionFromEnvironment({ PGHOST: 'db', PGUSER: 'app', PGPASSWORD: 'secret', PGSSLMODE: 'require' })
 * // { config: { host: 'db', username: 'app', password: 'secret', ssl: 'require' } }
 * ```
 * @see https://www.postgresql.org/docs/current/libpq-envars.html
 */
export function connectionFromEnvironment(env: Record<string, string | undefined> = process.env): EnvironmentConnection {
  const url = env.DATABASE_URL?.trim()
  if (url) return { url }
  if (!PG_ENVIRONMENT_VARIABLES.some((name) => env[name])) {
    throw invalid('DATABASE_URL', `is not set, nor any of ${PG_ENVIRONMENT_VARIABLES.join(', ')}`)
  }
  const config: ConnectionConfig = {}
  if (env.PGHOST) config.host = env.PGHOST
  if (env.PGPORT) config.port = parsePort(env.PGPORT)
  if (env.PGDATABASE) config.database = env.PGDATABASE
  if (env.PGUSER) config.username = env.PGUSER
  if (env.PGPASSWORD) config.password = env.PGPASSWORD
  if (env.PGSSLMODE || env.PGSSLROOTCERT) {
    // libpq's default mode is prefer, which verifies nothing even with a root certificate.
    const mode = env.PGSSLMODE || 'prefer'
    config.ssl = sslOption(mode, env.PGSSLROOTCERT || undefined, { mode: 'PGSSLMODE', rootCert: 'PGSSLROOTCERT' })
  }
  return { config }
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text.trim()) ? Number(text) : Number.NaN
  if (port >= 1 && port <= 65535) return port
  throw invalid('PGPORT', 'must be a TCP port number between 1 and 65535')
}
