/*
 * `buckets` of a declared hypertable answered from its declared continuous aggregates: a daily
 * aggregate and a monthly one rolled up from it (the trial of issue 19, on generated rows), on the
 * targets with the Timescale license. Every routed answer equals the raw query's (the same call
 * without aggregates) and the one computed here; a change below the watermark, at either level,
 * sends the query to a finer level that is current, or to the raw rows, until a refresh has
 * taken it in.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { readContinuousAggregates } from '../../src/catalog/index.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { renderQuery } from '../../src/internal/render-query.ts'
import { forgetAggregates, routedBuckets, routePlans } from '../../src/repository/aggregate-route.ts'
import { checkBucketQuery } from '../../src/repository/bucket-rows.ts'
import { tableShape } from '../../src/repository/table-shape.ts'
import { timescale } from '../../src/repository/timescale.ts'
import { continuousAggregate, hypertable, measure } from '../../src/toolkit/index.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'
import { tapStatements } from '../support/tap-statements.ts'
import { hasTsl, targets } from '../support/targets.ts'

const prices = pgTable(
  'route_prices',
  {
    symbol: text('symbol').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    price: doublePrecision('price').notNull(),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.time] })],
)
const pricesHypertable = hypertable(prices, { time: 'time', chunkInterval: '30 days' })
const daily = continuousAggregate('route_prices_daily', {
  from: pricesHypertable,
  bucket: '1 day',
  groupBy: ['symbol'],
  measures: {
    n: measure.count(),
    total: measure.sum(prices.price),
    low: measure.min(prices.price),
    high: measure.max(prices.price),
    open: measure.first(prices.price),
    close: measure.last(prices.price),
    mean: measure.avg(prices.price),
  },
})
const monthly = continuousAggregate('route_prices_monthly', {
  from: daily,
  bucket: '1 month',
  groupBy: ['symbol'],
  measures: {
    n: measure.count(),
    total: measure.sum(prices.price),
    low: measure.min(prices.price),
    high: measure.max(prices.price),
    open: measure.first(prices.price),
    close: measure.last(prices.price),
  },
})

// The bucket of every level has the time column's type (a string in mode 'string'), hierarchical included.
const monthBucket: (typeof monthly.view.$inferSelect)['bucket'] = '2025-01-01T00:00:00.000000Z'
// @ts-expect-error a number is not the bucket type
const notABucket: (typeof monthly.view.$inferSelect)['bucket'] = 1
void [monthBucket, notABucket]

const SYMBOLS = ['AAA', 'BBB', 'CCC']
const first = Date.parse('2025-01-01T00:00:00Z')
const HOURS = 24 * 365
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000Z`
// Prices as multiples of 1/8: sums of them are exact in a double, whatever the order.
const rows = SYMBOLS.flatMap((symbol, s) =>
  Array.from({ length: HOURS / 6 }, (_, i) => ({ symbol, time: iso(first + i * 6 * 3_600_000), price: 100 + s * 10 + ((i * 7) % 41) / 8 })),
)

for (const target of targets.filter(hasTsl)) {
  describe(`buckets routed to declared aggregates on ${target.name}`, () => {
    let db: AnyPgDatabase
    let close: () => Promise<void>
    const refresh = (name: string) => db.execute(sql.raw(`call refresh_continuous_aggregate('${name}', null, null)`))
    beforeAll(async () => {
      const t = await target.open({ migrate: false })
      db = t.db as AnyPgDatabase
      close = t.close
      await db.execute(sql`create extension if not exists timescaledb`)
      await db.execute(
        sql`create table route_prices (symbol text not null, time timestamptz not null, price double precision not null, primary key (symbol, time))`,
      )
      await applyDeclarations(db, [pricesHypertable, daily, monthly])
      await timescale(db, pricesHypertable).insertMany(rows)
      await refresh('route_prices_daily')
      await refresh('route_prices_monthly')
    })
    afterAll(() => close())

    const year = { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }
    const monthlyQuery = {
      width: '1 month',
      ...year,
      groupBy: ['symbol'] as 'symbol'[],
      measures: {
        n: measure.count(),
        total: measure.sum(prices.price),
        low: measure.min(prices.price),
        high: measure.max(prices.price),
        mean: measure.avg(prices.price),
      },
      order: 'asc' as const,
    }
    const routedTo = async (query: object) => {
      const shape = tableShape(pricesHypertable)
      const q = checkBucketQuery(shape, prices, query)
      const plans = routePlans(shape, [daily, monthly], q)
      return (await routedBuckets(db, shape, plans, q))?.aggregate.spec.name ?? 'raw'
    }

    test('monthly buckets from the monthly aggregate equal the raw query and JavaScript', async () => {
      expect(await routedTo(monthlyQuery)).toBe('route_prices_monthly')
      const handle = timescale(db, pricesHypertable, { aggregates: [daily, monthly] })
      const routed = await handle.buckets(monthlyQuery)
      const raw = await timescale(db, pricesHypertable).buckets(monthlyQuery)
      expect(routed).toEqual(raw)
      expect(routed).toHaveLength(36)
      for (const b of routed) {
        const month = b.bucket.slice(0, 7)
        const inMonth = rows.filter((r) => r.symbol === b.symbol && r.time.startsWith(month)).map((r) => r.price)
        expect([b.n, b.total, b.low, b.high]).toEqual([
          inMonth.length,
          inMonth.reduce((s, p) => s + p, 0),
          Math.min(...inMonth),
          Math.max(...inMonth),
        ])
        expect(b.mean).toBe(inMonth.reduce((s, p) => s + p, 0) / inMonth.length)
      }
    })

    test('a quarter of one symbol with open/close; a week and a day from the daily aggregate; what is never routed', async () => {
      const handle = timescale(db, pricesHypertable, { aggregates: [daily, monthly] })
      const plain = timescale(db, pricesHypertable)
      const ohlc = {
        width: '3 months',
        ...year,
        where: { symbol: 'BBB' },
        measures: { open: measure.first(prices.price), close: measure.last(prices.price), high: measure.max(prices.price) },
      }
      expect(await routedTo(ohlc)).toBe('route_prices_monthly')
      expect(await handle.buckets(ohlc)).toEqual(await plain.buckets(ohlc))
      const weekly = { ...monthlyQuery, width: '7 days', from: '2025-01-06T00:00:00Z', to: '2025-03-03T00:00:00Z' }
      expect(await routedTo(weekly)).toBe('route_prices_daily')
      expect(await handle.buckets(weekly)).toEqual(await plain.buckets(weekly))
      // first/last over several symbols in one bucket: no exact answer from per-symbol rows.
      expect(await routedTo({ ...ohlc, where: undefined })).toBe('raw')
      // A range that starts inside a day; a width that is not a multiple; a time zone.
      expect(await routedTo({ ...monthlyQuery, from: '2025-01-01T12:00:00Z' })).toBe('raw')
      expect(await routedTo({ ...monthlyQuery, width: '36 hours' })).toBe('raw')
      expect(await routedTo({ ...monthlyQuery, timeZone: 'Europe/Berlin' })).toBe('raw')
    })

    test('several series with a limit: only the aggregate rows that can reach the limit are read, the answer the raw one', async () => {
      const handle = timescale(db, pricesHypertable, { aggregates: [daily, monthly] })
      const plain = timescale(db, pricesHypertable)
      const base = { from: '2025-01-06T00:00:00Z', to: '2025-12-29T00:00:00Z', groupBy: ['symbol'] as 'symbol'[] }
      const measures = { n: measure.count(), high: measure.max(prices.price), total: measure.sum(prices.price) }
      for (const width of ['1 day', '7 days', '28 days'])
        for (const order of ['asc', 'desc'] as const) {
          const all = await plain.buckets({ ...base, width, order, limit: 10_000, measures })
          for (const limit of [1, 2, 3, 4, 7, 100]) {
            const query = { ...base, width, order, limit, measures }
            expect(await routedTo(query)).toBe('route_prices_daily')
            expect(await handle.buckets(query)).toEqual(all.slice(0, limit))
          }
        }
      // One symbol pinned, the other grouped: still one series per row. Grouped by nothing of the
      // aggregate's (several series in a row): no cutoff, the same answer.
      const pinned = { ...base, width: '7 days', order: 'desc' as const, limit: 5, measures, where: { symbol: ['AAA', 'CCC'] } }
      expect(await handle.buckets(pinned)).toEqual(await plain.buckets(pinned))
    })

    test("the limit's bound is left out where the materialization holds fewer rows than it would skip", async () => {
      const handle = timescale(db, pricesHypertable, { aggregates: [daily, monthly] })
      const plain = timescale(db, pricesHypertable)
      const routedText = async (query: object) => {
        const shape = tableShape(pricesHypertable)
        const q = checkBucketQuery(shape, prices, query)
        const routed = await routedBuckets(db, shape, routePlans(shape, [daily, monthly], q), q)
        return routed ? renderQuery(routed.query).sql : 'raw'
      }
      // Counted by ANALYZE (1,095 daily rows), the catalog read again.
      const mat = (await readContinuousAggregates(db)).find((a) => a.name === 'route_prices_daily')?.materialization
      await db.execute(sql.raw(`analyze ${mat?.schema}.${mat?.name}`))
      forgetAggregates(db)
      const base = { from: '2025-01-06T00:00:00Z', to: '2025-12-29T00:00:00Z', groupBy: ['symbol'] as 'symbol'[] }
      const measures = { n: measure.count(), high: measure.max(prices.price) }
      // The probe for the bound: the bucket of the n-th aggregate row.
      const PROBE = / offset \$\d+ limit 1\)/
      // 10,000 rows of 28 days: a bound past the 279,999th daily row, of 1,095: left out.
      const wide = { ...base, width: '28 days', order: 'asc' as const, limit: 10_000, measures }
      const wideText = await routedText(wide)
      expect(wideText).toContain(`${mat?.name}`)
      expect(wideText).not.toMatch(PROBE)
      expect(await handle.buckets(wide)).toEqual(await plain.buckets(wide))
      // 3 rows of a day: a bound at the 3rd daily row, kept.
      const narrow = { ...base, width: '1 day', order: 'desc' as const, limit: 3, measures }
      const narrowText = await routedText(narrow)
      expect(narrowText).toContain(`${mat?.name}`)
      expect(narrowText).toMatch(PROBE)
      expect(await handle.buckets(narrow)).toEqual(await plain.buckets(narrow))
    })

    test('a change below the watermark is read from the rows until each level is refreshed', async () => {
      const handle = timescale(db, pricesHypertable, { aggregates: [daily, monthly] })
      const plain = timescale(db, pricesHypertable)
      await plain.insertMany([{ symbol: 'AAA', time: '2025-03-10T01:00:00Z', price: 1000 }])
      expect(await routedTo(monthlyQuery)).toBe('raw')
      const march = (await handle.buckets(monthlyQuery)).find((b) => b.symbol === 'AAA' && b.bucket.startsWith('2025-03'))
      expect(march?.high).toBe(1000)
      await refresh('route_prices_daily')
      // The daily level has it; the monthly one does not yet: from the daily aggregate.
      expect(await routedTo(monthlyQuery)).toBe('route_prices_daily')
      expect(await handle.buckets(monthlyQuery)).toEqual(await plain.buckets(monthlyQuery))
      await refresh('route_prices_monthly')
      expect(await routedTo(monthlyQuery)).toBe('route_prices_monthly')
      const after = await handle.buckets(monthlyQuery)
      expect(after).toEqual(await plain.buckets(monthlyQuery))
      expect(after.find((b) => b.symbol === 'AAA' && b.bucket.startsWith('2025-03'))?.high).toBe(1000)
    })

    test('on the watermark an earlier call found, a routed read is one statement; a change or a refresh since sends it back to the checks', async () => {
      const handle = timescale(db, pricesHypertable, { aggregates: [daily, monthly] })
      const plain = timescale(db, pricesHypertable)
      // Into 2026: the months after the watermark are read from the rows in the same statement.
      const query = { ...monthlyQuery, to: '2026-04-01T00:00:00Z' }
      const remembered = async () => {
        const shape = tableShape(pricesHypertable)
        const q = checkBucketQuery(shape, prices, query)
        const routed = await routedBuckets(db, shape, routePlans(shape, [daily, monthly], q), q, true)
        return routed?.gate ? routed.aggregate.spec.name : 'checked first'
      }
      const statements = tapStatements(db)
      try {
        expect(await handle.buckets(query)).toEqual(await plain.buckets(query))
        expect(await remembered()).toBe('route_prices_monthly')
        statements.reset()
        expect(await handle.buckets(query)).toEqual(await plain.buckets(query))
        expect(statements.count).toBe(2) // ours, gated, and the plain call's
        // New rows after the watermark: still one statement, the rows read from the table.
        await plain.insertMany([{ symbol: 'AAA', time: '2026-02-10T00:00:00Z', price: 3000 }])
        statements.reset()
        const fresh = await handle.buckets(query)
        expect(statements.count).toBe(1)
        expect(fresh.find((b) => b.symbol === 'AAA' && b.bucket.startsWith('2026-02'))?.high).toBe(3000)
        expect(fresh).toEqual(await plain.buckets(query))
        // A change below the watermark fails the gate in that statement: checked again, from the rows.
        await plain.insertMany([{ symbol: 'CCC', time: '2025-05-05T05:00:00Z', price: 2000 }])
        statements.reset()
        const changed = await handle.buckets(query)
        expect(statements.count).toBeGreaterThan(1)
        expect(changed.find((b) => b.symbol === 'CCC' && b.bucket.startsWith('2025-05'))?.high).toBe(2000)
        expect(changed).toEqual(await plain.buckets(query))
        // Refreshed: the watermarks moved past February 2026, so the remembered one fails the gate once.
        // (The monthly level's February reads the daily level only up to its watermark, so the
        // checks send a range into March 2026 to the daily level.)
        await refresh('route_prices_daily')
        await refresh('route_prices_monthly')
        // 2.29.2 leaves the part of that refresh's range that no chunk holds (2026-01-11 to 02-06
        // here) in the daily level's log until its next refresh; the routing waits for it.
        await refresh('route_prices_daily')
        const refreshed = await handle.buckets(query)
        expect(refreshed).toEqual(await plain.buckets(query))
        const now = await remembered()
        expect(now).toBe(await routedTo(query))
        expect(now).not.toBe('raw')
        statements.reset()
        expect(await handle.buckets(query)).toEqual(refreshed)
        expect(statements.count).toBe(1)
      } finally {
        statements.restore()
      }
    })
  })
}
