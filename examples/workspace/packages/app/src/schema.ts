import { doublePrecision, index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { continuousAggregate, hypertable, measure } from 'drizzle-timescale/toolkit'

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

/**
 * The app's own time-series table: what each site's energy meter reads. Its TimescaleDB side is
 * declared below and turned into drizzle/0002_meter_readings.sql by `bun run generate:timescale`;
 * 0003 is the one-statement migration of a later change (retention from 1 to 2 years).
 */
export const meterReadings = pgTable(
  'meter_readings',
  {
    meterId: text('meter_id').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    kwh: doublePrecision('kwh').notNull(),
  },
  (t) => [primaryKey({ columns: [t.meterId, t.time] })],
)

export const meterHypertable = hypertable(meterReadings, {
  time: 'time',
  chunkInterval: '7 days',
  compression: { segmentBy: ['meterId'], after: '30 days' },
  retention: '2 years',
})

/** Per meter and hour: energy used, the number of readings, the largest reading. */
export const meterHourly = continuousAggregate('meter_readings_hourly', {
  from: meterHypertable,
  bucket: '1 hour',
  groupBy: ['meterId'],
  measures: {
    total_kwh: measure.sum(meterReadings.kwh),
    readings: measure.count(),
    peak_kwh: measure.max(meterReadings.kwh),
  },
  realTime: true,
  refresh: { startOffset: '1 day', endOffset: '1 hour', every: '1 hour' },
})

/** Per meter and day, rolled up from the hourly level: the average reading is sum / count of the hours'. */
export const meterDaily = continuousAggregate('meter_readings_daily', {
  from: meterHourly,
  bucket: '1 day',
  groupBy: ['meterId'],
  measures: {
    total_kwh: measure.sum(meterReadings.kwh),
    avg_kwh: measure.avg(meterReadings.kwh),
    peak_kwh: measure.max(meterReadings.kwh),
    readings: measure.count(),
  },
  realTime: true,
  refresh: { startOffset: '7 days', endOffset: '1 day', every: '1 day' },
})
