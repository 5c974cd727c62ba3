/*
 * The engine on a project's own hypertables, through `timescale(db, declaration)`, on every target:
 * three tables with different key shapes (a composite text + integer key with a hash dimension, a
 * uuid key with jsonb/smallint/boolean columns and a Date-mode time, no key at all), each written,
 * read, streamed, bucketed and aggregated, every result compared with the same computed here in
 * JavaScript from the rows written. Then the days that break naive writes: years of backfill in
 * one call (bounded transactions), and upserts into compressed chunks under a low decompression
 * limit (Timescale license).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { bigint, boolean, doublePrecision, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { ClientFactory } from '../../src/client/index.ts'
import { BatchError, ValidationError } from '../../src/errors.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { queryRows } from '../../src/internal/query-rows.ts'
import { timescale } from '../../src/repository/timescale.ts'
import { hypertable, measure } from '../../src/toolkit/index.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'
import { hasTsl, targets } from '../support/targets.ts'

const stockPrices = pgTable(
  'stock_prices',
  {
    symbol: text('symbol').notNull(),
    exchangeId: integer('exchange_id').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    price: doublePrecision('price').notNull(),
    volume: bigint('volume', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.exchangeId, t.time] })],
)
const stockHypertable = hypertable(stockPrices, {
  time: 'time',
  chunkInterval: '1 day',
  dimensions: [{ column: 'symbol', partitions: 2 }],
})

const deviceEvents = pgTable(
  'device_events',
  {
    device: uuid('device').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    level: smallint('level').notNull(),
    ok: boolean('ok'),
    payload: jsonb('payload').$type<{ code: number; tags?: string[] }>(),
  },
  (t) => [primaryKey({ columns: [t.device, t.at] })],
)
const deviceHypertable = hypertable(deviceEvents, { time: 'at', chunkInterval: '7 days' })

const logLines = pgTable('log_lines', {
  time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
  source: text('source').notNull(),
  message: text('message'),
})
const logHypertable = hypertable(logLines, { time: 'time', chunkInterval: '1 day' })

const DDL = [
  `create table stock_prices (symbol text not null, exchange_id integer not null, time timestamptz not null,
    price double precision not null, volume bigint, primary key (symbol, exchange_id, time))`,
  `create table device_events (device uuid not null, at timestamptz not null, level smallint not null, ok boolean,
    payload jsonb, primary key (device, at))`,
  'create table log_lines (time timestamptz not null, source text not null, message text)',
]

const HOUR = 3_600_000
const start = Date.parse('2026-11-01T00:00:00Z')
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000Z`
type Stock = typeof stockPrices.$inferInsert

/** 3 symbols x 2 exchanges x 72 hours, prices from a formula. */
function stockRows(salt = 0): Stock[] {
  const rows: Stock[] = []
  for (const symbol of ['AAPL', 'MSFT', 'TSLA'])
    for (const exchangeId of [1, 2])
      for (let h = 0; h < 72; h++) {
        rows.push({
          symbol,
          exchangeId,
          time: iso(start + h * HOUR),
          price: 100 + symbol.length * h * 0.25 + exchangeId + salt,
          volume: h * 10,
        })
      }
  return rows
}

const DEVICES = ['9f1c1a52-55c2-4b8e-a0a3-0e0a9b6f2a01', '0b7c5d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e']

for (const target of targets) {
  describe(`timescale(db, hypertable) on ${target.name}`, () => {
    let db: AnyPgDatabase
    let url: string | undefined
    let close: () => Promise<void>
    const stocks = () => timescale(db, stockHypertable)
    beforeAll(async () => {
      const t = await target.open({ migrate: false })
      url = t.url
      db = t.db as AnyPgDatabase
      close = t.close
      await db.execute(sql`create extension if not exists timescaledb`)
      for (const statement of DDL) await db.execute(sql.raw(statement))
      await applyDeclarations(db, [stockHypertable, deviceHypertable, logHypertable])
    })
    afterAll(() => close())

    test('a composite text + integer key: insertMany, upsert, range, latest, stream, buckets, aggregate', async () => {
      const rows = stockRows()
      const first = await stocks().insertMany(rows)
      expect(first).toMatchObject({ total: rows.length, written: rows.length, duplicates: 0, failed: 0 })
      // Every key again with new prices, plus one key twice in the batch: the last one wins.
      const again = stockRows(1)
      again.push({ ...(again[5] as Stock), price: -1 })
      const second = await stocks().insertMany(again)
      expect(second).toMatchObject({ written: rows.length, duplicates: 1 })
      const expected = stockRows(1)
      ;(expected[5] as Stock).price = -1
      const [count] = await queryRows<{ n: number; s: number }>(
        db,
        sql`select count(*)::int as n, sum(price)::float8 as s from stock_prices`,
      )
      expect(count?.n).toBe(rows.length)
      expect(count?.s).toBeCloseTo(
        expected.reduce((s, r) => s + r.price, 0),
        6,
      )

      // range: one symbol on one exchange, one day, newest first, limit.
      const from = iso(start + 24 * HOUR)
      const to = iso(start + 48 * HOUR)
      const want = expected
        .filter((r) => r.symbol === 'MSFT' && r.exchangeId === 2 && r.time >= from && r.time < to)
        .sort((a, b) => (a.time < b.time ? 1 : -1))
      const got = await stocks().range({ where: { symbol: 'MSFT', exchangeId: 2 }, from, to })
      expect(got).toEqual(want.map((r) => ({ ...r, volume: r.volume ?? null })))
      const limited = await stocks().range({ where: { symbol: ['AAPL', 'TSLA'] }, from, to, order: 'asc', limit: 5 })
      expect(limited.map((r) => r.time)).toEqual([from, from, from, from, iso(start + 25 * HOUR)])

      // latest: given keys (objects of the key without time), in their order; and every key.
      const newest = iso(start + 71 * HOUR)
      const wantLatest = (symbol: string, exchangeId: number) =>
        expected.find((r) => r.symbol === symbol && r.exchangeId === exchangeId && r.time === newest)
      const some = await stocks().latest({
        keys: [
          { symbol: 'TSLA', exchangeId: 1 },
          { symbol: 'AAPL', exchangeId: 2 },
          { symbol: 'NOPE', exchangeId: 1 },
        ],
      })
      expect(some.map((r) => [r.symbol, r.exchangeId, r.time, r.price] as unknown[])).toEqual([
        ['TSLA', 1, newest, wantLatest('TSLA', 1)?.price],
        ['AAPL', 2, newest, wantLatest('AAPL', 2)?.price],
      ])
      const all = await stocks().latest()
      expect(all.map((r) => `${r.symbol}/${r.exchangeId}@${r.time}=${r.price}`)).toEqual(
        ['AAPL', 'MSFT', 'TSLA'].flatMap((s) => [1, 2].map((e) => `${s}/${e}@${newest}=${wantLatest(s, e)?.price}`)),
      )
      const bySymbol = await stocks().latest({ by: ['symbol'], keys: ['MSFT'], since: iso(start + 70 * HOUR) })
      expect(bySymbol).toHaveLength(1)
      expect(bySymbol[0]?.time).toBe(newest)

      // stream: every row of two symbols, in pages of 7, both orders, equal to the sorted rows.
      const streamed: Stock[] = []
      for await (const row of stocks().stream({
        where: { symbol: ['AAPL', 'MSFT'] },
        from: iso(start),
        to: iso(start + 72 * HOUR),
        pageSize: 7,
      })) {
        streamed.push(row)
      }
      const key = (r: Stock) => `${r.time}|${r.symbol}|${r.exchangeId}`
      const wantStream = expected.filter((r) => r.symbol !== 'TSLA').sort((a, b) => (key(a) < key(b) ? -1 : 1))
      expect(streamed.map(key)).toEqual(wantStream.map(key))
      const backwards: string[] = []
      for await (const row of stocks().stream({
        where: { exchangeId: 1 },
        from: iso(start),
        to: iso(start + 72 * HOUR),
        pageSize: 10,
        order: 'desc',
      })) {
        backwards.push(`${row.time}|${row.symbol}`)
      }
      expect(backwards).toEqual(
        expected
          .filter((r) => r.exchangeId === 1)
          .map((r) => `${r.time}|${r.symbol}`)
          .sort()
          .reverse(),
      )

      // buckets: daily per symbol, measures against JavaScript.
      const buckets = await stocks().buckets({
        width: '1 day',
        from: iso(start),
        to: iso(start + 72 * HOUR),
        groupBy: ['symbol'],
        measures: {
          avg: measure.avg(stockPrices.price),
          high: measure.max(stockPrices.price),
          n: measure.count(),
          open: measure.first(stockPrices.price),
          close: measure.last(stockPrices.price),
          volume: measure.sum(stockPrices.volume),
        },
        order: 'asc',
      })
      expect(buckets).toHaveLength(9)
      for (const b of buckets) {
        const inBucket = expected.filter(
          (r) => r.symbol === b.symbol && r.time >= b.bucket && r.time < iso(Date.parse(b.bucket) + 24 * HOUR),
        )
        const prices = inBucket.map((r) => r.price)
        expect(b.n).toBe(inBucket.length)
        expect(b.avg as number).toBeCloseTo(prices.reduce((s, p) => s + p, 0) / prices.length, 9)
        expect(b.high).toBe(Math.max(...prices))
        const byTime = inBucket.slice().sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0))
        expect([byTime[0]?.time, byTime.at(-1)?.time]).toEqual([b.bucket, iso(Date.parse(b.bucket) + 23 * HOUR)])
        expect(b.volume).toBe(inBucket.reduce((s, r) => s + (r.volume ?? 0), 0))
      }
      expect(buckets.map((b) => `${b.bucket} ${b.symbol}`)[0]).toBe(`${iso(start)} AAPL`)

      const total = await stocks().aggregate({
        from: iso(start),
        to: iso(start + 72 * HOUR),
        where: { symbol: 'TSLA' },
        measures: { n: measure.count(), low: measure.min(stockPrices.price), last: measure.max(stockPrices.time) },
      })
      const tsla = expected.filter((r) => r.symbol === 'TSLA')
      expect(total).toEqual({ n: tsla.length, low: Math.min(...tsla.map((r) => r.price)), last: newest })
    })

    test('client.hypertable(declaration): the same operations through the client (its retries, replicas, close)', async () => {
      const client = await ClientFactory.fromDrizzle(db)
      const through = client.hypertable(stockHypertable)
      const direct = stocks()
      const query = { where: { symbol: 'AAPL' }, from: iso(start), to: iso(start + 72 * HOUR), limit: 50 }
      expect(await through.range(query)).toEqual(await direct.range(query))
      expect(await through.latest()).toEqual(await direct.latest())
      const buckets = {
        width: '1 day',
        from: iso(start),
        to: iso(start + 72 * HOUR),
        groupBy: ['symbol'] as 'symbol'[],
        measures: { n: measure.count() },
      }
      expect(await through.buckets(buckets)).toEqual(await direct.buckets(buckets))
      expect(await through.insertMany([{ symbol: 'CLNT', exchangeId: 3, time: iso(start), price: 1 }])).toMatchObject({ written: 1 })
      await client.close()
      const closed = await through.range(query).catch((e: unknown) => e)
      expect(closed).toMatchObject({ code: 'CLIENT_CLOSED' })
    })

    test('bad rows are typed errors naming the row and column, and nothing is written', async () => {
      const before = (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from stock_prices`))[0]?.n
      const bad = [
        { symbol: 'X', exchangeId: 1, time: iso(start), price: 1 },
        { symbol: 'X', exchangeId: 1.5, time: iso(start + HOUR), price: 1 },
      ]
      const error = await stocks()
        .insertMany(bad as Stock[])
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as ValidationError).message).toStartWith('rows[1].exchangeId must be an integer')
      expect((error as ValidationError).details).toMatchObject({ index: 1, field: 'exchangeId' })
      for (const [row, field] of [
        [{ symbol: 'X', exchangeId: 1, time: '2024-01-01T00:00:00', price: 1 }, 'time'],
        [{ symbol: 'X', exchangeId: 1, time: iso(start), price: Number.NaN }, 'price'],
        [{ symbol: 'X', exchangeId: 1, time: iso(start) }, 'price'],
        [{ symbol: 'X', exchangeId: 1, time: iso(start), price: 1, colour: 'red' }, 'colour'],
        [{ symbol: 'X\u0000', exchangeId: 1, time: iso(start), price: 1 }, 'symbol'],
      ] as const) {
        const e = await stocks()
          .insertMany([row as unknown as Stock])
          .catch((x: unknown) => x)
        expect((e as ValidationError).details?.field).toBe(field)
      }
      const skipped = await stocks().insertMany(bad as Stock[], { skipInvalid: true })
      expect(skipped).toMatchObject({ written: 1, failed: 1 })
      expect(skipped.errors[0]).toMatchObject({ index: 1, field: 'exchangeId' })
      const after = (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from stock_prices`))[0]?.n
      expect(after).toBe((before ?? 0) + 1)
      const readError = await stocks()
        .range({ where: { symbol: 'X', colour: 'red' } as never, from: iso(start), to: iso(start + HOUR) })
        .catch((e: unknown) => e)
      expect((readError as ValidationError).details?.field).toBe('where.colour')
    })

    test('a uuid key, jsonb, smallint, boolean and a Date-mode time column', async () => {
      const events = timescale(db, deviceHypertable)
      const rows = Array.from({ length: 50 }, (_, i) => ({
        device: DEVICES[i % 2] as string,
        at: new Date(start + i * 60_000),
        level: i % 5,
        ok: i % 3 === 0 ? null : i % 2 === 0,
        payload: i % 4 === 0 ? null : { code: i, tags: [`t${i}`, 'a\tb\\c'] },
      }))
      expect((await events.insertMany(rows)).written).toBe(50)
      const update = rows.filter((_, i) => i % 10 === 0).map((r) => ({ ...r, level: 9, device: r.device.toUpperCase() }))
      expect((await events.insertMany(update)).written).toBe(5)
      const got = await events.range({
        where: { device: DEVICES[0] },
        from: new Date(start),
        to: new Date(start + 3_600_000),
        order: 'asc',
      })
      const want = rows.map((r, i) => (i % 10 === 0 ? { ...r, level: 9 } : r)).filter((r) => r.device === DEVICES[0])
      expect(got).toEqual(want)
      expect(got[1]?.at).toBeInstanceOf(Date)
      const latest = await events.latest({ keys: DEVICES.slice().reverse() })
      expect(latest.map((r) => [r.device, r.at.toISOString()] as unknown[])).toEqual([
        [DEVICES[1], new Date(start + 49 * 60_000).toISOString()],
        [DEVICES[0], new Date(start + 48 * 60_000).toISOString()],
      ])
      const e = await events.insertMany([{ ...(rows[0] as (typeof rows)[0]), device: 'not-a-uuid' }]).catch((x: unknown) => x)
      expect((e as ValidationError).details?.field).toBe('device')
      const levels = await events.aggregate({
        from: new Date(start),
        to: new Date(start + HOUR),
        measures: { max: measure.max(deviceEvents.level), n: measure.count(deviceEvents.ok) },
      })
      expect(levels).toEqual({ max: 9, n: rows.filter((r) => r.ok !== null).length })
    })

    test('no key: plain inserts (equal rows both kept), stream across many rows at one instant, latest by a named column', async () => {
      const logs = timescale(db, logHypertable)
      const rows = Array.from({ length: 120 }, (_, i) => ({
        time: iso(start + Math.floor(i / 40) * 1000),
        source: i % 2 === 0 ? 'api' : 'worker',
        message: `line ${i % 30}`,
      }))
      const result = await logs.insertMany(rows)
      expect(result).toMatchObject({ written: 120, duplicates: 0 })
      expect((await logs.insertMany(rows.slice(0, 10))).written).toBe(10)
      const all = [...rows, ...rows.slice(0, 10)]
      const seen: string[] = []
      for await (const row of logs.stream({ from: iso(start), to: iso(start + 10_000), pageSize: 7 }))
        seen.push(`${row.time}|${row.source}|${row.message}`)
      expect(seen.sort()).toEqual(all.map((r) => `${r.time}|${r.source}|${r.message}`).sort())
      const noBy = await logs.latest().catch((e: unknown) => e)
      expect((noBy as ValidationError).details?.field).toBe('by')
      const latest = await logs.latest({ by: ['source'] })
      expect(latest.map((r) => [r.source, r.time])).toEqual([
        ['api', iso(start + 2000)],
        ['worker', iso(start + 2000)],
      ])
    })

    test('years of daily rows in one call: transactions bounded by chunk, every row written, then every key again', async () => {
      const days = 2 * 366
      const rows: Stock[] = []
      const first = Date.parse('2023-01-01T00:00:00Z')
      for (let d = 0; d < days; d++) {
        for (const symbol of ['BKF1', 'BKF2', 'BKF3'])
          rows.push({ symbol, exchangeId: 7, time: iso(first + d * 24 * HOUR), price: d, volume: null })
      }
      const result = await stocks().insertMany(rows)
      expect(result.written).toBe(rows.length)
      // 732 daily chunks x up to 2 partitions cannot share one transaction on a default lock table.
      expect(result.transactions).toBeGreaterThan(1)
      const again = await stocks().insertMany(rows.map((r) => ({ ...r, price: r.price + 0.5 })))
      expect(again.written).toBe(rows.length)
      const [check] = await queryRows<{ n: number; s: number }>(
        db,
        sql`select count(*)::int as n, sum(price)::float8 as s from stock_prices where exchange_id = 7`,
      )
      expect(check).toEqual({ n: rows.length, s: rows.reduce((s, r) => s + r.price + 0.5, 0) })
      // One transaction over every chunk: it either fits this server's lock table (a large
      // max_worker_processes enlarges it) or is refused, typed, with the cure, and nothing changes.
      const atomic = await stocks()
        .insertMany(
          rows.map((r) => ({ ...r, price: r.price + 1 })),
          { atomic: true },
        )
        .catch((e: unknown) => e)
      const [after] = await queryRows<{ s: number }>(db, sql`select sum(price)::float8 as s from stock_prices where exchange_id = 7`)
      if (atomic instanceof Error) {
        expect(atomic).not.toBeInstanceOf(BatchError)
        expect(atomic).toMatchObject({ code: 'SERVER_LIMIT', details: { setting: 'max_locks_per_transaction' } })
        expect(after?.s).toBe(check?.s as number)
      } else {
        expect(atomic).toMatchObject({ written: rows.length, transactions: 1 })
        expect(after?.s).toBe((check?.s as number) + rows.length / 2)
      }
    }, 300_000)

    test.if(hasTsl(target))(
      'upserts into compressed chunks under a low decompression limit',
      async () => {
        // The limit lowered to 100 for this database (every session of a native pool: a fresh pool).
        const limit = sql.raw('timescaledb.max_tuples_decompressed_per_dml_transaction')
        let writer = db
        let end = async () => {}
        if (url) {
          await db.execute(sql`alter database ${sql.identifier(new URL(url).pathname.slice(1))} set ${limit} = 100`)
          const pool = postgres(url, { max: 2, onnotice: () => {} })
          writer = drizzle(pool) as unknown as AnyPgDatabase
          end = () => pool.end({ timeout: 5 })
        } else await db.execute(sql`set ${limit} = 100`)
        try {
          await db.execute(sql`alter table stock_prices set (timescaledb.compress, timescaledb.compress_segmentby = 'symbol, exchange_id')`)
          await db.execute(
            sql`select compress_chunk(c, if_not_compressed => true) from show_chunks('stock_prices', older_than => ${iso(start + 48 * HOUR)}::timestamptz, newer_than => ${iso(start)}::timestamptz) c`,
          )
          const [compressed] = await queryRows<{ n: number }>(
            db,
            sql`select count(*)::int as n from timescaledb_information.chunks where hypertable_name = 'stock_prices' and is_compressed`,
          )
          expect(compressed?.n).toBeGreaterThan(0)
          const [setting] = await queryRows<{ v: string }>(
            writer,
            sql`select current_setting('timescaledb.max_tuples_decompressed_per_dml_transaction') as v`,
          )
          expect(setting?.v).toBe('100')
          const rows = stockRows(7)
          // One statement of every key would decompress every compressed row: more than the limit.
          const result = await timescale(writer, stockHypertable).insertMany(rows)
          expect(result.written).toBe(rows.length)
          const [check] = await queryRows<{ s: number }>(
            db,
            sql`select sum(price)::float8 as s from stock_prices where exchange_id in (1, 2) and symbol <> 'X'`,
          )
          expect(check?.s).toBeCloseTo(
            rows.reduce((s, r) => s + r.price, 0),
            6,
          )
        } finally {
          await end()
          await db.execute(sql`reset ${limit}`)
        }
      },
      120_000,
    )
  })
}
