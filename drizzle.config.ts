import { join, relative } from 'node:path'
import { defineConfig } from 'drizzle-kit'
import { sslFromUrl } from './src/client/ssl-from-url.ts'
import { migrationsSchema, migrationsTable } from './src/migrations-table.ts'

/*
 * drizzle-kit configuration for the package's own migrations.
 *
 * - Paths are relative to this file, so a consuming project can run
 *   `bunx drizzle-kit migrate --config node_modules/drizzle-timescale/drizzle.config.ts`.
 * - The package keeps its own migrations table: drizzle's migrator applies only migrations newer
 *   than the last one recorded in its table, so two folders sharing one table would skip each other.
 * - The filters keep `push`/`pull` away from TimescaleDB's own schemas, chunks and the aggregate.
 * - A DATABASE_URL with `sslrootcert=<file>` (a private CA) or `sslmode=verify-ca` is passed as
 *   host/port credentials with the TLS options libpq would use: the driver would otherwise send
 *   `sslrootcert` to the server as a setting and fail.
 */
const here = typeof __dirname === 'string' ? __dirname : new URL('.', import.meta.url).pathname
// drizzle-kit reads `out` and `schema` relative to the working directory (it prefixes `./`).
const fromCwd = (path: string) => relative(process.cwd(), join(here, path)) || '.'

function credentials(url: string) {
  const { ssl } = sslFromUrl(url)
  if (ssl === undefined) return { url }
  const u = new URL(url)
  return {
    host: decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
    ssl,
  }
}

export default defineConfig({
  dialect: 'postgresql',
  schema: fromCwd('src/schema/index.ts'),
  out: fromCwd('drizzle'),
  dbCredentials: credentials(process.env.DATABASE_URL ?? 'postgres://localhost:5432/postgres'),
  migrations: { table: migrationsTable, schema: migrationsSchema },
  schemaFilter: ['public'],
  tablesFilter: ['time_series_data', 'entities'],
  strict: true,
  verbose: true,
})
