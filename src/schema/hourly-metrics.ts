import { bigint, doublePrecision, pgMaterializedView, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * The `hourly_metrics` continuous aggregate: per entity and hour, the average, maximum and
 * minimum of `value` and the number of rows.
 *
 * Declared `.existing()`: the package's custom migration creates it (`WITH NO DATA`, real-time,
 * refreshed by a policy), and drizzle-kit never tries to create or drop it. Query it like a table.
 * It exists only on a TimescaleDB with the Timescale license (not on the Apache edition).
 *
 * @example
 * ```ts
 * import { and, desc, eq } from 'drizzle-orm'
 * import { hourlyMetrics } from 'drizzle-timescale/schema'
 *
 * const hours = await db.select().from(hourlyMetrics)
 *   .where(eq(hourlyMetrics.entity_id, 'server-1'))
 *   .orderBy(desc(hourlyMetrics.hour))
 *   .limit(24)
 * ```
 * @see https://docs.timescale.com/use-timescale/latest/continuous-aggregates/
 */
export const hourlyMetrics = pgMaterializedView('hourly_metrics', {
  hour: timestamp('hour', { withTimezone: true, mode: 'string' }).notNull(),
  entity_id: text('entity_id').notNull(),
  avg_value: doublePrecision('avg_value').notNull(),
  max_value: doublePrecision('max_value').notNull(),
  min_value: doublePrecision('min_value').notNull(),
  data_points: bigint('data_points', { mode: 'number' }).notNull(),
}).existing()

/** A row of `hourly_metrics`. */
export type HourlyMetricsRow = typeof hourlyMetrics.$inferSelect
