import { entities } from './entities.ts'
import { hourlyMetrics } from './hourly-metrics.ts'
import { timeSeriesData } from './time-series-data.ts'

/**
 * The package's tables and aggregate in one object, for `drizzle({ schema })` next to a
 * project's own tables. Safe to export from the schema module drizzle-kit reads: drizzle-kit
 * takes only the tables a module exports at its top level, so these stay out of the project's
 * `drizzle-kit generate` (the package's migrations create them). Re-exporting the tables
 * themselves (`export * from 'drizzle-timescale/schema'`) is not: generate would create them a
 * second time, and `tablesFilter` does not apply to generate.
 *
 * @example
 * ```ts
 * // src/db/schema.ts: read by drizzle-kit and by the app
 * export { timescaleSchema } from 'drizzle-timescale/schema'
 * export const devices = pgTable('devices', { ... })
 *
 * // src/db/index.ts
 * import * as app from './schema.ts'
 * const { timescaleSchema, ...own } = app
 * export const db = drizzle(client, { schema: { ...own, ...timescaleSchema } })
 * ```
 * @see ../../docs/drizzle-kit.md
 */
export const timescaleSchema = { entities, timeSeriesData, hourlyMetrics } as const
