/*
 * A project's own time-series table, declared with the toolkit as the README shows: the fixture of
 * the toolkit's tests (and its example of a two-level aggregate).
 */
import { doublePrecision, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { continuousAggregate, hypertable, measure } from '../../src/toolkit/index.ts'

export const readings = pgTable(
  'device_readings',
  {
    deviceId: text('device_id').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    temperature: doublePrecision('temperature'),
    battery: integer('battery').notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.time] })],
)

export const readingsHypertable = hypertable(readings, {
  time: 'time',
  chunkInterval: '1 day',
  compression: { segmentBy: ['deviceId'], after: '7 days' },
  retention: '2 years',
})

export const hourly = continuousAggregate('device_readings_hourly', {
  from: readingsHypertable,
  bucket: '1 hour',
  groupBy: ['deviceId'],
  measures: {
    avg_temp: measure.avg(readings.temperature),
    sum_temp: measure.sum(readings.temperature),
    n_temp: measure.count(readings.temperature),
    max_temp: measure.max(readings.temperature),
    min_battery: measure.min(readings.battery),
    last_battery: measure.last(readings.battery),
    readings: measure.count(),
  },
  realTime: true,
  refresh: { startOffset: '1 day', endOffset: '1 hour', every: '1 hour' },
})

export const daily = continuousAggregate('device_readings_daily', {
  from: hourly,
  bucket: '1 day',
  groupBy: ['deviceId'],
  measures: {
    avg_temp: measure.avg(readings.temperature),
    max_temp: measure.max(readings.temperature),
    min_battery: measure.min(readings.battery),
    last_battery: measure.last(readings.battery),
    readings: measure.count(),
  },
  refresh: { startOffset: '7 days', endOffset: '1 day', every: '1 day' },
})
