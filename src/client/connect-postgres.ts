import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import postgres, { type Sql } from 'postgres'
import type { ClientConfig, ConnectionConfig } from '../client/client-types.ts'
import { ConnectionError, ErrorCodes, type TimescaleClientError } from '../errors.ts'
import { markCustomPlans, plansCustom } from '../internal/custom-plan-pools.ts'
import { fetchTypesOnce } from '../internal/fetch-types-once.ts'
import * as schema from '../schema/index.ts'
import { invalid } from '../validation/invalid.ts'
import { validateNumber } from '../validation/validate-number.ts'
import { validateString } from '../validation/validate-string.ts'
import { resolveClientConfig } from './client-config.ts'
import { connectionInfoOf } from './connection-info.ts'
import { toPostgresOptions } from './connection-options.ts'
import { connectReplicas } from './replicas/connect-replicas.ts'
import { resolveReplicaOptions } from './replicas/replica-options.ts'
import { sslFromUrl } from './ssl-from-url.ts'
import { TimescaleClient } from './timescale-client.ts'
import { withRetry } from './with-retry.ts'

/** The Drizzle database of a client made from a connection string, a config or the environment. */
export type PostgresTimescaleDatabase = PostgresJsDatabase<typeof schema> & { $client: Sql }

/**
 * Opens a postgres.js pool on a connection string or a {@link ConnectionConfig}, checks it with
 * one `select 1`, and wraps it in a {@link TimescaleClient} that owns the pool. Migrations are not
 * run. The check fails within `connectTimeout`: a refused or reset connection is retried (per the
 * retry options) only while that time lasts, and a server that never answers fails the first
 * try when it runs out.
 *
 * @throws {ValidationError} for invalid options or a malformed connection string (never echoed: it may hold a password).
 * @throws {ConnectionError} when the server cannot be reached or refuses the login; the message
 *   names the user, host, port and database, never the password.
 * @example
 * ```ts
 * const client = await connectPostgres('postgres://app:secret@db:5432/metrics', { connectTimeout: 5 })
 * ```
 */
export async function connectPostgres(
  source: string | ConnectionConfig,
  config: ClientConfig = {},
): Promise<TimescaleClient<PostgresTimescaleDatabase>> {
  const resolved = resolveClientConfig(config)
  const replicaOptions = resolveReplicaOptions(config)
  const open = (customPlans: boolean) => {
    const pool = typeof source === 'string' ? poolFromUrl(source, config, customPlans) : poolFromConfig(source, config, customPlans)
    if (customPlans) markCustomPlans(pool)
    return pool
  }
  const check = async (pool: Sql) => {
    // connectTimeout bounds the whole check, not each retry: 4 tries of a silent host took 4x as long.
    const seconds = Number(pool.options.connect_timeout)
    const deadline = Number.isFinite(seconds) && seconds > 0 ? { signal: AbortSignal.timeout(seconds * 1000) } : {}
    await withRetry(() => pool`select 1`, { ...resolved.retry, operation: 'connect', ...deadline })
    fetchTypesOnce(pool)
  }
  let sql = open(true)
  const target = describeTarget(sql)
  try {
    try {
      await check(sql)
    } catch (error) {
      // PgBouncer refuses startup parameters it does not know (`unsupported startup parameter:
      // plan_cache_mode`) unless told to ignore them: then the pool runs without it, unmarked, so
      // that its reads are unnamed statements (planned for their parameters every time).
      if (!/unsupported startup parameter: plan_cache_mode/.test(String((error as Error)?.message))) throw error
      await sql.end({ timeout: 0 }).catch(() => {})
      sql = open(false)
      await check(sql)
    }
  } catch (error) {
    await sql.end({ timeout: 0 }).catch(() => {})
    throw toConnectError(error, target)
  }
  const db = drizzle(sql, { schema }) as PostgresTimescaleDatabase
  const reads = await connectReplicas(db, connectionInfoOf(sql), replicaOptions, (url) => {
    const pool = poolFromUrl(url, config, plansCustom(sql))
    if (plansCustom(sql)) markCustomPlans(pool)
    const replica = drizzle(pool, { schema }) as PostgresTimescaleDatabase
    return { db: replica, connection: connectionInfoOf(pool), release: (timeout: number) => pool.end({ timeout }) }
  }).catch(async (error: unknown) => {
    await sql.end({ timeout: 0 }).catch(() => {})
    throw error
  })
  return new TimescaleClient(db, {
    config,
    connection: connectionInfoOf(sql),
    ...(reads ? { reads } : {}),
    release: async (timeout) => {
      await Promise.all([sql.end({ timeout }), reads?.close(timeout)])
    },
  })
}

function poolFromUrl(url: unknown, config: ClientConfig, customPlans = true): Sql {
  if (typeof url !== 'string' || !/^postgres(ql)?:\/\/\S/i.test(url.trim())) {
    throw invalid('connectionString', 'must be a postgres:// or postgresql:// URL')
  }
  const { url: forDriver, ssl } = sslFromUrl(url.trim())
  const query = forDriver.includes('?') ? forDriver.slice(forDriver.indexOf('?') + 1) : ''
  const params = new URLSearchParams(query)
  const setInUrl = new Set([...params.keys()].map((key) => (key === 'sslmode' ? 'ssl' : key)))
  if (!customPlans) setInUrl.add('plan_cache_mode')
  const options = {
    ...toPostgresOptions(config, setInUrl),
    ...(ssl !== undefined && config.ssl === undefined ? { ssl } : {}),
    ...primaryForReadWrite(params),
  }
  try {
    const sql = postgres(forDriver, options)
    // postgres.js parses lazily in places; touch the parsed host and port now.
    if (!Array.isArray(sql.options.host) || sql.options.port.some((port) => !Number.isInteger(port))) throw new Error()
    return sql
  } catch {
    // No cause: the URL parser's message echoes the whole URL, password included.
    throw invalid('connectionString', 'is not a valid URL (expected postgres://user:password@host:port/database)')
  }
}

/**
 * `target_session_attrs=read-write` (in the URL or PGTARGETSESSIONATTRS) becomes `primary` for
 * postgres.js. On PostgreSQL 14+ a hot standby reports `default_transaction_read_only = off` at
 * startup, and postgres.js decides `read-write` from that parameter alone (libpq also checks
 * `in_hot_standby`), so a multi-host URL would connect to the standby and every write would fail
 * with 25006 until the failover (postgres.js' author hit it: hapostgres/pg_auto_failover#970,
 * and works around it with `primary`). `primary` rejects exactly the hot standbys; what it does
 * not reject is a primary with `default_transaction_read_only = on`, which nobody fails over to.
 * Measured in test/replicas/failover.test.ts.
 */
function primaryForReadWrite(params: URLSearchParams): { target_session_attrs?: 'primary' } {
  const asked = params.get('target_session_attrs') ?? process.env.PGTARGETSESSIONATTRS
  return asked === 'read-write' ? { target_session_attrs: 'primary' } : {}
}

function poolFromConfig(config: ConnectionConfig, options: ClientConfig, customPlans = true): Sql {
  if (config === null || typeof config !== 'object') {
    throw invalid('config', 'must be an object (the connection config)')
  }
  const host = validateString(config.host, 'host')
  const port = validateNumber(config.port, 'port', { min: 1, max: 65535, integer: true })
  const database = validateString(config.database, 'database')
  const username = validateString(config.username, 'username')
  const password = validateString(config.password, 'password')
  return postgres({
    ...(host === undefined ? {} : { host }),
    ...(port === undefined ? {} : { port }),
    ...(database === undefined ? {} : { database }),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...toPostgresOptions({ ...config, ...definedOnly(options) }, customPlans ? undefined : new Set(['plan_cache_mode'])),
  })
}

/** `user@host:port/database`, for messages: what postgres.js will use, without the password. */
function describeTarget(sql: Sql): { text: string; host: string; port: number; database: string; user: string } {
  const { host, port, database, user } = sql.options
  const hosts = host.map((h, i) => `${h}:${port[i] ?? port[0]}`).join(',')
  return { text: `${user}@${hosts}/${database}`, host: host.join(','), port: port[0] ?? 5432, database, user }
}

function toConnectError(error: unknown, target: ReturnType<typeof describeTarget>): TimescaleClientError {
  const mapped = error as TimescaleClientError
  const { aborted: _deadline, ...rest } = mapped.details
  const details = { ...rest, host: target.host, port: target.port, database: target.database, user: target.user }
  const code = mapped.code === ErrorCodes.AUTHENTICATION || mapped.code === ErrorCodes.TLS ? mapped.code : ErrorCodes.CONNECTION
  const reason = mapped.message.replace(/^connect failed: /, '')
  return new ConnectionError(`could not connect to ${target.text}: ${reason}`, code, { cause: mapped.cause, details })
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
