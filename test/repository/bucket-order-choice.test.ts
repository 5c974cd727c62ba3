/*
 * A raw bucket query of several series puts its order and limit inside the grouping select when,
 * by the chunks' statistics, its groups outnumber the limit many times (the planner can stop after
 * `limit` groups), outside otherwise (the planner hashes the groups and sorts only them). Either
 * way the answer is the one computed here from the rows written, on every target.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { readDistinctEstimates } from '../../src/catalog/index.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { checkBucketQuery } from '../../src/repository/bucket-rows.ts'
import { groupsOutnumberLimit } from '../../src/repository/groups-outnumber-limit.ts'
import { tableShape } from '../../src/repository/table-shape.ts'
import { timescale } from '../../src/repository/timescale.ts'
import { hypertable, measure } from '../../src/toolkit/index.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'
import { targets } from '../support/targets.ts'

const readings = pgTable(
  'order_choice',
  {
    key: text('key').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    value: doublePrecision('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.time] })],
)
const readingsHypertable = hypertable(readings, { time: 'time', chunkInterval: '1 day' })

const start = Date.parse('2026-02-01T00:00:00Z')
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000Z`
// 50 keys, a reading every 20 minutes for two days: 48 hourly buckets of 3 rows per key.
const rows = Array.from({ length: 50 }, (_, k) =>
  Array.from({ length: 144 }, (_, i) => ({
    key: `k${String(k).padStart(2, '0')}`,
    time: iso(start + i * 1_200_000),
    value: k + (i % 7) / 4,
  })),
).flat()

/** Hourly buckets per key computed here: newest hour first, then key; count and max. */
function expected(limit: number) {
  const groups = new Map<string, { bucket: string; key: string; n: number; high: number }>()
  for (const r of rows) {
    const bucket = iso(Math.floor(Date.parse(r.time) / 3_600_000) * 3_600_000)
    const id = `${bucket}|${r.key}`
    const g = groups.get(id) ?? { bucket, key: r.key, n: 0, high: Number.NEGATIVE_INFINITY }
    g.n++
    g.high = Math.max(g.high, r.value)
    groups.set(id, g)
  }
  return [...groups.values()]
    .sort((a, b) => (a.bucket === b.bucket ? (a.key < b.key ? -1 : 1) : a.bucket < b.bucket ? 1 : -1))
    .slice(0, limit)
}

for (const target of targets) {
  describe(`the order of a raw bucket query of several series on ${target.name}`, () => {
    let db: AnyPgDatabase
    let close: () => Promise<void>
    beforeAll(async () => {
      const t = await target.open({ migrate: false })
      db = t.db as AnyPgDatabase
      close = t.close
      await db.execute(sql`create extension if not exists timescaledb`)
      await db.execute(
        sql`create table order_choice (key text not null, time timestamptz not null, value double precision not null, primary key (key, time))`,
      )
      await applyDeclarations(db, [readingsHypertable])
      await timescale(db, readingsHypertable).insertMany(rows)
    })
    afterAll(() => close())

    test('inside where the groups outnumber the limit, outside where not; the same answers', async () => {
      const shape = tableShape(readingsHypertable)
      const handle = timescale(db, readingsHypertable)
      const query = (limit: number) => ({
        width: '1 hour',
        from: '2026-02-01T00:00:00Z',
        to: '2026-02-03T00:00:00Z',
        groupBy: ['key'] as 'key'[],
        measures: { n: measure.count(), high: measure.max(readings.value) },
        limit,
      })
      // Before ANALYZE the chunks have no statistics: outside.
      expect(await readDistinctEstimates(db, 'order_choice', ['key'])).toEqual([null])
      expect(await groupsOutnumberLimit(db, shape, checkBucketQuery(shape, readings, query(10)))).toBe(false)
      // ANALYZE of a hypertable analyzes its chunks: 50 keys in each. The estimates are read again after a minute, so a new database object reads them now.
      await db.execute(sql`analyze order_choice`)
      expect(await readDistinctEstimates(db, 'order_choice', ['key'])).toEqual([50])
      const fresh = Object.create(db) as AnyPgDatabase
      // 48 buckets x 50 keys = 2,400 groups: more than 4 x 10, less than 4 x 10,000.
      expect(await groupsOutnumberLimit(fresh, shape, checkBucketQuery(shape, readings, query(10)))).toBe(true)
      expect(await groupsOutnumberLimit(fresh, shape, checkBucketQuery(shape, readings, query(10_000)))).toBe(false)
      for (const limit of [1, 10, 599, 10_000]) {
        const got = (await timescale(fresh, readingsHypertable).buckets(query(limit))).map((b) => ({
          bucket: b.bucket,
          key: b.key,
          n: b.n,
          high: b.high,
        }))
        expect(got).toEqual(expected(limit))
      }
      expect(await handle.buckets(query(10))).toHaveLength(10)
    })
  })
}
