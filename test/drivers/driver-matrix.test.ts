/*
 * Every driver a Drizzle user brings, on each native server: postgres.js, node-postgres (a Pool
 * and a single Client, with pg-copy-streams for COPY) and Bun's SQL. For each: `migrate(db)`, the
 * repository's writes (its fastest bulk path, the upsert on conflicts, inside a transaction) and
 * reads (records, latest, aggregate, buckets, stream, entities), and the client over the same
 * database (`ClientFactory.fromDrizzle`). Values are checked against sums computed here.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { SQL } from 'bun'
import { sql } from 'drizzle-orm'
import { drizzle as bunSqlDrizzle } from 'drizzle-orm/bun-sql'
import { drizzle as nodePgDrizzle } from 'drizzle-orm/node-postgres'
import { bigint, boolean, date, jsonb, numeric, pgTable, primaryKey, smallint, timestamp, uuid } from 'drizzle-orm/pg-core'
import { drizzle as postgresJsDrizzle } from 'drizzle-orm/postgres-js'
import pg from 'pg'
import postgres from 'postgres'
import { ClientFactory } from '../../src/client/client-factory.ts'
import { type DriverName, driverOf } from '../../src/internal/driver.ts'
import { type AnyPgDatabase, queryRows } from '../../src/internal/query-rows.ts'
import { migrate } from '../../src/migrate.ts'
import { chooseWriter, type Writer } from '../../src/repository/choose-writer.ts'
import {
  getAggregate,
  getEntity,
  getLatestValues,
  getRecords,
  getTimeBuckets,
  insertManyRecords,
  streamRecords,
  upsertEntity,
} from '../../src/repository/index.ts'
import { timeSeriesShape } from '../../src/repository/time-series-shape.ts'
import { timescale } from '../../src/repository/timescale.ts'
import { writeTargetOf } from '../../src/repository/write-target.ts'
import { hypertable, measure } from '../../src/toolkit/index.ts'
import { type TestDatabase, targets } from '../support/targets.ts'

const driverEvents = pgTable(
  'drv_events',
  {
    device: uuid('device').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
    n: bigint('n', { mode: 'number' }),
    level: smallint('level').notNull(),
    ok: boolean('ok'),
    price: numeric('price', { precision: 12, scale: 4 }),
    payload: jsonb('payload'),
    day: date('day'),
  },
  (t) => [primaryKey({ columns: [t.device, t.at] })],
)
const driverEventsHypertable = hypertable(driverEvents, { time: 'at', chunkInterval: '1 day' })
const DEVICES = ['0b7c5d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e', '5a1c1a52-55c2-4b8e-a0a3-0e0a9b6f2a01', '9f1c1a52-55c2-4b8e-a0a3-0e0a9b6f2a01']

interface DriverUnderTest {
  name: string
  driver: DriverName
  writer: Writer['name']
  open(url: string): Promise<{ db: AnyPgDatabase; close(): Promise<void> }>
}

const drivers: DriverUnderTest[] = [
  {
    name: 'postgres.js',
    driver: 'postgres-js',
    writer: 'copy',
    async open(url) {
      const client = postgres(url, { max: 3, onnotice: () => {} })
      return { db: postgresJsDrizzle(client), close: () => client.end() }
    },
  },
  {
    name: 'node-postgres Pool',
    driver: 'node-postgres',
    writer: 'pg-copy',
    async open(url) {
      const pool = new pg.Pool({ connectionString: url, max: 3 })
      return { db: nodePgDrizzle(pool), close: () => pool.end() }
    },
  },
  {
    name: 'node-postgres Client',
    driver: 'node-postgres',
    writer: 'pg-copy',
    async open(url) {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      return { db: nodePgDrizzle(client), close: () => client.end() }
    },
  },
  {
    name: 'Bun SQL',
    driver: 'bun-sql',
    writer: 'unnest',
    async open(url) {
      const client = new SQL(url)
      return { db: bunSqlDrizzle({ client }), close: () => client.close() }
    },
  },
]

const day = { from: '2024-05-01T00:00:00Z', to: '2024-05-02T00:00:00Z' }
const records = (sign: number) =>
  Array.from({ length: 3000 }, (_, i) => ({
    entity_id: `drv-${i % 3}`,
    time: new Date(Date.parse(day.from) + i * 20_000).toISOString(),
    value: sign * i,
    value2: i % 7 === 0 ? null : i / 2,
    metadata: i % 100 === 0 ? { i, tags: ['a', 'b'] } : null,
  }))

for (const target of targets.filter((t) => t.kind === 'native')) {
  for (const d of drivers) {
    describe(`${d.name} on ${target.name}`, () => {
      let t: TestDatabase
      let db: AnyPgDatabase
      let close: () => Promise<void>
      beforeAll(async () => {
        t = await target.open({ migrate: false })
        ;({ db, close } = await d.open(t.url as string))
      })
      afterAll(async () => {
        await close()
        await t.close()
      })
      const totals = async () =>
        (
          await queryRows<{ n: number; sum: number; with_meta: number }>(
            t.db,
            sql`select count(*)::int as n, coalesce(sum(value), 0)::float8 as sum, count(metadata)::int as with_meta from time_series_data`,
          )
        )[0]

      test('is recognised, and migrate(db) applies the package migrations once', async () => {
        expect(driverOf(db).name).toBe(d.driver)
        expect((await migrate(db)).applied).toHaveLength(5)
        expect((await migrate(db)).applied).toHaveLength(0)
        expect(chooseWriter(db, writeTargetOf(timeSeriesShape, []), 'auto').name).toBe(d.writer)
      })

      test('insertManyRecords: new keys, then every key again (upsert), then inside a transaction', async () => {
        expect((await insertManyRecords(db, records(1))).written).toBe(3000)
        expect(await totals()).toEqual({ n: 3000, sum: 4_498_500, with_meta: 30 })
        expect((await insertManyRecords(db, records(-1))).written).toBe(3000)
        expect(await totals()).toEqual({ n: 3000, sum: -4_498_500, with_meta: 30 })
        await db.transaction(async (tx) => {
          await insertManyRecords(tx, records(2).slice(0, 300))
        })
        expect((await totals())?.sum).toBe(-4_498_500 + 3 * 44_850)
      })

      test('reads: records, latest values, aggregate, time buckets, a stream, entities', async () => {
        const some = await getRecords(db, 'drv-1', { from: day.from, to: day.to, limit: 5, order: 'asc' })
        expect(some.map((r) => r.time)).toEqual(
          [1, 4, 7, 10, 13].map((i) => new Date(Date.parse(day.from) + i * 20_000).toISOString().replace('Z', '000Z')),
        )
        expect(some[0]?.value).toBe(2)
        const latest = await getLatestValues(db, ['drv-2', 'drv-0'])
        expect(latest.map((r) => [r.entity_id, r.value])).toEqual([
          ['drv-2', -2999],
          ['drv-0', -2997],
        ])
        expect(await getAggregate(db, 'drv-0', 'count', 'value', day)).toBe(1000)
        const buckets = await getTimeBuckets(db, 'drv-0', '1 hour', day, { aggregateFunction: 'count', order: 'asc' })
        expect(buckets.reduce((n, b) => n + Number(b.value), 0)).toBe(1000)
        let streamed = 0
        for await (const r of streamRecords(db, 'drv-1', day, { pageSize: 250 })) streamed += r.value === null ? 0 : 1
        expect(streamed).toBe(1000)
        const entity = await upsertEntity(db, { entity_id: 'drv-0', entity_type: 'sensor', metadata: { site: 'x' } })
        expect((await getEntity(db, entity.entity_id))?.metadata).toEqual({ site: 'x' })
      })

      test('a declared table of every column kind through timescale(db, declaration): writes, upserts, reads equal on this driver', async () => {
        await t.db.execute(sql`create table drv_events (device uuid not null, at timestamptz not null, n bigint, level smallint not null,
          ok boolean, price numeric(12, 4), payload jsonb, day date, primary key (device, at))`)
        await t.db.execute(sql`select create_hypertable('drv_events', 'at', chunk_time_interval => interval '1 day')`)
        const events = timescale(db, driverEventsHypertable)
        const rows = Array.from({ length: 600 }, (_, i) => ({
          device: DEVICES[i % 3] as string,
          at: `${new Date(Date.parse(day.from) + i * 60_000).toISOString().slice(0, 19)}.${String(i).padStart(6, '0')}Z`,
          n: i % 2 === 0 ? 2 ** 53 - 1 - i : null,
          level: i % 7,
          ok: i % 5 === 0 ? null : i % 2 === 0,
          price: i % 4 === 0 ? null : `${i}.${String(i % 10_000).padStart(4, '0')}`,
          payload: i % 3 === 0 ? null : { i, tags: ['a\tb', 'c"d'] },
          day: day.from.slice(0, 10),
        }))
        expect(await events.insertMany(rows)).toMatchObject({ written: 600, failed: 0 })
        expect(await events.insertMany(rows.map((r) => ({ ...r, level: 9 })))).toMatchObject({ written: 600 })
        const read = await events.range({ from: day.from, to: day.to, order: 'asc', limit: 10_000 })
        expect(read).toEqual(rows.map((r) => ({ ...r, level: 9 })))
        const latest = await events.latest()
        expect(latest.map((r) => r.at) as (string | undefined)[]).toEqual(
          DEVICES.map((_, d) => rows.filter((r) => r.device === DEVICES[d]).at(-1)?.at),
        )
        const streamed = []
        for await (const r of events.stream({ from: day.from, to: day.to, pageSize: 77 })) streamed.push(r.at)
        expect(streamed).toEqual(rows.map((r) => r.at))
        const [agg] = [
          await events.aggregate({ from: day.from, to: day.to, measures: { n: measure.count(), top: measure.max(driverEvents.level) } }),
        ]
        expect(agg).toEqual({ n: 600, top: 9 })
        await db.transaction(async (tx) => {
          expect(
            await timescale(tx as unknown as AnyPgDatabase, driverEventsHypertable).insertMany(
              rows.slice(0, 10).map((r) => ({ ...r, level: 1 })),
            ),
          ).toMatchObject({ written: 10 })
        })
        expect((await events.range({ where: { device: DEVICES[0] }, from: day.from, to: day.to, order: 'asc', limit: 1 }))[0]?.level).toBe(
          1,
        )
      })

      test('the client over the same database', async () => {
        const client = await ClientFactory.fromDrizzle(db)
        expect((await client.insertManyRecords(records(3).slice(0, 600))).written).toBe(600)
        expect((await client.getRecords('drv-2', { ...day, limit: 1, order: 'asc' }))[0]?.value).toBe(6)
        const health = await client.healthCheck()
        expect(health.isHealthy).toBe(true)
      })
    })
  }
}
