/*
 * A Deno 2 project that installed drizzle-timescale's packed tarball into node_modules (npm
 * install; `nodeModulesDir: manual`): the package's migrations, writes and reads on the native
 * servers of APACHE_URL and TSL_URL through postgres.js, a declared hypertable through the
 * engine, the chunk listing; and the embedded database. Run by `deno test -A` (test/consumers/run.sh).
 */
import assert from 'node:assert/strict'
import { doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { drizzle } from 'drizzle-orm/postgres-js'
import { getRecords, getTimeBuckets, insertManyRecords, listChunks, timescale } from 'drizzle-timescale'
import { createEmbeddedDatabase } from 'drizzle-timescale/embedded'
import { migrate } from 'drizzle-timescale/migrate'
import { hypertable } from 'drizzle-timescale/toolkit'
import postgres from 'postgres'

const records = Array.from({ length: 240 }, (_, i) => ({
  entity_id: `deno-${i % 2}`,
  time: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString(),
  value: i,
}))
const prices = pgTable(
  'deno_prices',
  {
    symbol: text('symbol').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    price: doublePrecision('price').notNull(),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.time] })],
)
const pricesHypertable = hypertable(prices, { time: 'time', chunkInterval: '7 days' })

for (const [edition, url] of Object.entries({ apache: Deno.env.get('APACHE_URL'), tsl: Deno.env.get('TSL_URL') })) {
  if (!url) continue
  Deno.test(`native ${edition}: migrate, write, read, a declared hypertable`, async () => {
    const name = `deno_${edition}_${crypto.randomUUID().slice(0, 8)}`
    const admin = postgres(url, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database "${name}"`)
    const client = postgres(url.replace(/\/[^/]*$/, `/${name}`), { max: 2, onnotice: () => {} })
    try {
      const db = drizzle(client)
      const { applied } = await migrate(db)
      assert.ok(applied.length > 0)
      await insertManyRecords(db, records)
      assert.deepEqual((await getRecords(db, 'deno-1', { from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z' })).length, 120)
      const days = await getTimeBuckets(db, 'deno-0', '1 day', { from: '2025-01-01T00:00:00Z', to: '2025-01-11T00:00:00Z' })
      assert.deepEqual(
        days.reduce((s, d) => s + d.count, 0),
        120,
      )
      assert.ok((await listChunks(db, 'time_series_data')).length > 0)
      await client`create table deno_prices (symbol text not null, time timestamptz not null, price double precision not null, primary key (symbol, time))`
      await client`select create_hypertable('deno_prices', by_range('time', interval '7 days'))`
      const handle = timescale(db, pricesHypertable)
      await handle.insertMany([
        { symbol: 'D', time: '2025-01-01T00:00:00Z', price: 1 },
        { symbol: 'D', time: '2025-01-09T00:00:00Z', price: 2 },
      ])
      assert.deepEqual(
        (await handle.latest({ keys: ['D'] })).map((r) => r.price),
        [2],
      )
    } finally {
      await client.end()
      await admin.unsafe(`drop database if exists "${name}" with (force)`)
      await admin.end()
    }
  })
}

Deno.test('the embedded database', async () => {
  const tsdb = await createEmbeddedDatabase()
  try {
    await insertManyRecords(tsdb.db, records)
    assert.deepEqual((await getRecords(tsdb.db, 'deno-0', { from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z' })).length, 120)
  } finally {
    await tsdb.close()
  }
})
