import { defineConfig } from 'drizzle-kit'

/*
 * drizzle-kit configuration of the app's own tables. The package's migrations have their own
 * config (node_modules/drizzle-timescale/drizzle.config.ts) and their own migrations table;
 * this one keeps drizzle-kit's default table, drizzle.__drizzle_migrations.
 */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://localhost:5432/postgres' },
  // Keep push/pull away from TimescaleDB's schemas and from the package's tables and aggregate
  // (docs/drizzle-kit.md): without the tablesFilter, push offers to drop them.
  schemaFilter: ['public'],
  tablesFilter: ['!entities', '!time_series_data', '!hourly_metrics', '!meter_readings_hourly', '!meter_readings_daily'],
  strict: true,
  verbose: true,
})
