import { type SQL, sql } from 'drizzle-orm'
import { invalid } from '../validation/invalid.ts'

/** What {@link grantsSql} grants to, and where. */
export interface GrantsOptions {
  /** The application's role. */
  appRole: string
  /** The application's database (for `CONNECT` and `TEMPORARY`). */
  database: string
  /** The schema of the package's tables (default `public`). */
  schema?: string
  /** Grant `SELECT` on `hourly_metrics` too (it exists with the Timescale license only; default `true`). */
  aggregate?: boolean
}

/** A name PostgreSQL accepts as a quoted identifier: 1 to 63 bytes, no NUL. */
function checkName(field: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || Buffer.byteLength(name) > 63 || name.includes('\0')) {
    throw invalid(field, 'must be a name of 1 to 63 bytes')
  }
  return name
}

/**
 * The privileges an application role needs to use the package's tables, and nothing more, as
 * statements to run in order: it reads and writes records and entities (the client, `import`,
 * `query`, `status`), but cannot drop, truncate or alter them, nor delete rows. Run them as the
 * role that owns the tables (the one that ran the migrations), after the migrations:
 * - `CONNECT` and `TEMPORARY` on the database (the staging upsert writes through a temporary table);
 * - `USAGE` on the tables' schema;
 * - `SELECT, INSERT, UPDATE` on `entities` and `time_series_data` (an upsert is INSERT ... ON
 *   CONFLICT DO UPDATE; COPY needs INSERT; TimescaleDB creates new chunks itself);
 * - `SELECT` on `hourly_metrics` (TimescaleDB passes the grant on to the aggregate's
 *   materialization, which `getTimeBuckets` reads directly).
 * `drizzle-timescale grants --app-role NAME` prints them for the connected database.
 *
 * @throws {ValidationError} when a name is empty or longer than 63 bytes (`details.field` names it).
 * @example
 * ```ts
 * for (const statement of grantsSql({ appRole: 'app', database: 'metrics' })) await migratorDb.execute(statement)
 * ```
 * @see https://www.postgresql.org/docs/current/sql-grant.html
 */
export function grantsSql(options: GrantsOptions): SQL[] {
  const role = sql.identifier(checkName('appRole', options?.appRole))
  const database = sql.identifier(checkName('database', options.database))
  const schema = sql.identifier(checkName('schema', options.schema ?? 'public'))
  const table = (name: string) => sql`${schema}.${sql.identifier(name)}`
  return [
    sql`GRANT CONNECT, TEMPORARY ON DATABASE ${database} TO ${role}`,
    sql`GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    sql`GRANT SELECT, INSERT, UPDATE ON TABLE ${table('entities')}, ${table('time_series_data')} TO ${role}`,
    ...(options.aggregate === false ? [] : [sql`GRANT SELECT ON TABLE ${table('hourly_metrics')} TO ${role}`]),
  ]
}
