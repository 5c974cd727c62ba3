import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * The app's own table: the devices it deploys. `device_id` is the `entity_id` under which the
 * device's readings are stored in drizzle-timescale's `time_series_data`.
 */
export const devices = pgTable(
  'devices',
  {
    device_id: text('device_id').primaryKey(),
    site: text('site').notNull(),
    label: text('label'),
    installed_at: timestamp('installed_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('ix_devices_site').on(t.site)],
)

export type Device = typeof devices.$inferSelect
export type NewDevice = typeof devices.$inferInsert
