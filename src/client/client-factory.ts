import type { ClientConfig, ConnectionConfig } from '../client/client-types.ts'
import type { EmbeddedDrizzle } from '../embedded/index.ts'
import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { invalid } from '../validation/invalid.ts'
import { resolveClientConfig } from './client-config.ts'
import { connectPostgres, type PostgresTimescaleDatabase } from './connect-postgres.ts'
import { connectionFromEnvironment } from './connection-from-environment.ts'
import { EMBEDDED_CONNECTION } from './connection-info.ts'
import { refuseReplicas } from './replicas/replica-options.ts'
import { TimescaleClient } from './timescale-client.ts'

/** Options of {@link ClientFactory.embedded}. */
export interface EmbeddedClientConfig extends ClientConfig {
  /** Keep the database in this directory (created if missing). In memory when omitted. */
  dataDir?: string
}

/**
 * Builds {@link TimescaleClient}s. Nothing connects on import: each method connects when called.
 *
 * The connecting methods (`fromConnectionString`, `fromConfig`, `fromEnvironment`) open a
 * postgres.js pool, check it with one `select 1` and throw a `ConnectionError` (without the
 * password) when the server is unreachable. They do **not** migrate: run `migrate(db)` from
 * `drizzle-timescale/migrate` (or `drizzle-kit migrate` with the package's config) once per
 * deployment. `embedded()` starts an in-process TimescaleDB and migrates it.
 *
 * With `replicas` (URLs of streaming replicas of the server), the connecting methods also open a
 * pool per replica, and the client sends its lag-tolerant reads there (docs/replicas.md).
 *
 * @example
 * ```ts
 * import { ClientFactory, migrate } from 'drizzle-timescale'
 *
 * const client = await ClientFactory.fromEnvironment({ maxConnections: 20, maxRetries: 5 })
 * await migrate(client.db)
 * const scaled = await ClientFactory.fromConnectionString(primaryUrl, { replicas: [replica1Url, replica2Url] })
 * ```
 */
export class ClientFactory {
  private constructor() {}

  /**
   * A client on a `postgres://user:password@host:port/database` URL (`?sslmode=require` and other
   * postgres.js URL parameters are honoured; `options` win over them).
   *
   * @throws {ValidationError} for a malformed URL (never echoed) or invalid options.
   * @throws {ConnectionError} when the server cannot be reached or refuses the login.
   * @example
   * ```ts
   * const client = await ClientFactory.fromConnectionString('postgres://app:secret@localhost:5432/metrics', { connectTimeout: 5 })
   * ```
   */
  static fromConnectionString(connectionString: string, options?: ClientConfig): Promise<TimescaleClient<PostgresTimescaleDatabase>> {
    if (typeof connectionString !== 'string') {
      return Promise.reject(invalid('connectionString', 'must be a postgres:// or postgresql:// URL'))
    }
    return connectPostgres(connectionString, options)
  }

  /**
   * A client on connection parameters; omitted ones take postgres.js defaults (the `PG*`
   * variables, then `localhost:5432`). Pool options may be given in `config` or `options`
   * (`options` wins).
   *
   * @example
   * ```ts
   * const client = await ClientFactory.fromConfig({ host: 'db', port: 5432, database: 'metrics', username: 'app', password, ssl: 'require' })
   * ```
   */
  static fromConfig(config: ConnectionConfig, options?: ClientConfig): Promise<TimescaleClient<PostgresTimescaleDatabase>> {
    return connectPostgres(config, options)
  }

  /**
   * A client on `DATABASE_URL`, or else on the libpq variables `PGHOST`, `PGPORT`, `PGDATABASE`,
   * `PGUSER`, `PGPASSWORD`, `PGSSLMODE`.
   *
   * @throws {ValidationError} when none is set (`details.field` is `DATABASE_URL`) or one is invalid.
   * @example
   * ```ts
   * const client = await ClientFactory.fromEnvironment()
   * ```
   */
  static async fromEnvironment(options?: ClientConfig): Promise<TimescaleClient<PostgresTimescaleDatabase>> {
    const found = connectionFromEnvironment(process.env)
    return 'url' in found ? connectPostgres(found.url, options) : connectPostgres(found.config, options)
  }

  /**
   * A client on a Drizzle database you own (any driver: postgres.js, PGlite, node-postgres), for
   * example one whose schema also holds your own tables. Nothing is queried; connection options
   * are ignored, retry options apply. `close()` leaves your database open.
   *
   * @example
   * ```ts
   * import { drizzle } from 'drizzle-orm/postgres-js'
   *
   * const db = drizzle(process.env.DATABASE_URL!, { schema: { ...timescaleSchema, ...mySchema } })
   * const client = await ClientFactory.fromDrizzle(db)
   * ```
   */
  static async fromDrizzle<TDb extends AnyPgDatabase>(db: TDb, options?: ClientConfig): Promise<TimescaleClient<TDb>> {
    if (db === null || typeof db !== 'object' || typeof (db as { execute?: unknown }).execute !== 'function') {
      throw invalid('db', 'must be a Drizzle PostgreSQL database (fromDrizzle)')
    }
    refuseReplicas(options, 'fromDrizzle')
    return new TimescaleClient(db, { config: options ?? {} })
  }

  /**
   * A client on an in-process TimescaleDB (PGlite with the TimescaleDB extension), migrated and
   * ready; in memory unless `dataDir` is given. Cold start takes a few seconds. For tests,
   * prototypes and single-process apps. `close()` shuts the database down.
   *
   * @example
   * ```ts
   * await using client = await ClientFactory.embedded()
   * await client.insertRecord({ entity_id: 'sensor-1', time: new Date(), value: 21 })
   * ```
   */
  static async embedded(options: EmbeddedClientConfig = {}): Promise<TimescaleClient<EmbeddedDrizzle>> {
    resolveClientConfig(options)
    refuseReplicas(options, 'embedded')
    if (options.dataDir !== undefined && (typeof options.dataDir !== 'string' || options.dataDir === '')) {
      throw invalid('dataDir', 'must be a non-empty path')
    }
    // Loaded on demand: the WASM build is only needed by those who ask for it.
    const { createEmbeddedDatabase } = await import('../embedded/index.ts')
    const tsdb = await createEmbeddedDatabase(options.dataDir === undefined ? {} : { dataDir: options.dataDir })
    // PGlite runs one query at a time: one connection, for acquireTimeout.
    return new TimescaleClient(tsdb.db, { config: options, connection: EMBEDDED_CONNECTION, release: tsdb.close, poolSize: 1 })
  }
}
