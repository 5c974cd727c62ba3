// What a TypeScript consumer writes: every subpath's types resolve (moduleResolution bundler and node16).

import { doublePrecision, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import { ClientFactory, insertManyRecords, listChunks, type TimeSeriesRecord, timescale } from 'drizzle-timescale'
import { createEmbeddedDatabase } from 'drizzle-timescale/embedded'
import { migrate } from 'drizzle-timescale/migrate'
import { timeSeriesData } from 'drizzle-timescale/schema'
import { createTestDatabase } from 'drizzle-timescale/testing'
import { hypertable, measure } from 'drizzle-timescale/toolkit'

const prices = pgTable('prices', {
  symbol: text('symbol').notNull(),
  time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
  price: doublePrecision('price').notNull(),
})
export const pricesHypertable = hypertable(prices, { time: 'time' })
const record: TimeSeriesRecord = { entity_id: 'e', time: new Date(), value: 1 }
type Row = typeof prices.$inferInsert
const row: Row = { symbol: 'A', time: '2025-01-01T00:00:00Z', price: 1 }
// @ts-expect-error a string is not a price
const wrong: Row = { symbol: 'A', time: '2025-01-01T00:00:00Z', price: 'one' }
export const used = [
  ClientFactory,
  insertManyRecords,
  listChunks,
  timescale,
  createEmbeddedDatabase,
  migrate,
  timeSeriesData,
  createTestDatabase,
  measure.avg(prices.price),
  record,
  row,
  wrong,
]
