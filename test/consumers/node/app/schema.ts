import { doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { continuousAggregate, hypertable, measure } from 'drizzle-timescale/toolkit'

export const meters = pgTable(
  'consumer_meters',
  {
    meter: text('meter').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    kwh: doublePrecision('kwh').notNull(),
  },
  (t) => [primaryKey({ columns: [t.meter, t.time] })],
)
export const metersHypertable = hypertable(meters, { time: 'time', chunkInterval: '7 days' })
export const metersDaily = continuousAggregate('consumer_meters_daily', {
  from: metersHypertable,
  bucket: '1 day',
  groupBy: ['meter'],
  measures: { n: measure.count(), kwh: measure.sum(meters.kwh) },
})
