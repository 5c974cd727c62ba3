import { doublePrecision, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

/** A JSON object stored in a `jsonb` column. */
export type Metadata = Record<string, unknown>

/**
 * The `time_series_data` hypertable: one row per entity per instant, with up to four values.
 *
 * Column keys equal the SQL column names, so `typeof timeSeriesData.$inferInsert` is the
 * design's `TimeSeriesRecord`. `time` is a string column (`mode: 'string'`): timestamps keep
 * PostgreSQL's microseconds instead of being rounded through a JS `Date`.
 *
 * The TimescaleDB parts (hypertable with 1-day chunks and 4 hash partitions on `entity_id`,
 * compression, retention) are created by the package's custom migrations, not by this file.
 *
 * @example
 * ```ts
 * import { and, eq, gte } from 'drizzle-orm'
 * import { timeSeriesData } from 'drizzle-timescale/schema'
 *
 * const rows = await db.select().from(timeSeriesData)
 *   .where(and(eq(timeSeriesData.entity_id, 'sensor-1'), gte(timeSeriesData.time, '2024-01-01T00:00:00Z')))
 * ```
 * @see https://docs.timescale.com/use-timescale/latest/hypertables/
 */
export const timeSeriesData = pgTable(
  'time_series_data',
  {
    // entity_id before time: the primary key's column order, which drizzle-kit's introspection
    // reads in table order (push would otherwise re-create the key every time).
    entity_id: text('entity_id').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    value: doublePrecision('value').notNull(),
    value2: doublePrecision('value2'),
    value3: doublePrecision('value3'),
    value4: doublePrecision('value4'),
    metadata: jsonb('metadata').$type<Metadata>(),
  },
  (t) => [
    primaryKey({ name: 'time_series_data_pkey', columns: [t.entity_id, t.time] }),
    index('ix_time_series_data_time').on(t.time.desc()),
    index('ix_time_series_data_value_time').on(t.value, t.time.desc()),
    index('ix_time_series_data_metadata_gin').using('gin', t.metadata),
  ],
)

/** A row as stored in `time_series_data` (what a `select` returns). */
export type TimeSeriesRow = typeof timeSeriesData.$inferSelect
/** A row as written to `time_series_data`: the design's `TimeSeriesRecord` shape. */
export type TimeSeriesInsert = typeof timeSeriesData.$inferInsert
