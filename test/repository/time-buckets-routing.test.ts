/*
 * getTimeBuckets reads whole-hour buckets from the hourly_metrics continuous aggregate only where
 * that gives the raw query's numbers: checked here against time_bucket over time_series_data,
 * after a refresh, with an un-materialized tail, with late data waiting for a refresh, and after
 * deletes. Values are multiples of 1/4, so every sum is exact and averages compare bit for bit.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type SQL, sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../../src/internal/query-rows.ts'
import { hourlyMetricsQuery, routableHours } from '../../src/repository/hourly-metrics-route.ts'
import { getTimeBuckets, insertManyRecords } from '../../src/repository/index.ts'
import type { TimeBucketOptions, TimeBucketResult, TimeRange } from '../../src/types.ts'
import { validateInterval, validateRange, validateTimeBucketOptions } from '../../src/validation/index.ts'
import { hasTsl, type TestDatabase, targets } from '../support/targets.ts'
import { at, counting } from './support.ts'

const base = '2024-03-01T00:00:00Z'
const entities = ['rt-a', 'rt-b', 'rt-c']
// Every 10 minutes for 2 days, three entities.
const records = entities.flatMap((entity_id, e) =>
  Array.from({ length: 288 }, (_, i) => ({ entity_id, time: at(base, i * 600), value: (i % 16) * 0.25 + e, value2: i })),
)
const all = { from: base, to: at(base, 2 * 86_400) }
const materializedUntil = at(base, 36 * 3600) // 2024-03-02T12:00Z

type Fn = 'avg' | 'min' | 'max' | 'count'
const rawFn: Record<Fn, SQL> = { avg: sql`avg(value)`, min: sql`min(value)`, max: sql`max(value)`, count: sql`count(value)` }

/** The raw query, hand-written: time_bucket over time_series_data. */
async function raw(
  db: AnyPgDatabase,
  entityId: string | null,
  interval: string,
  range: TimeRange,
  fn: Fn,
  order: 'asc' | 'desc',
  limit: number,
) {
  const rows = await queryRows<{ bucket: string; entity_id: string; value: number; count: number }>(
    db,
    sql`select to_char(time_bucket(${interval}::interval, time) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as bucket,
        entity_id, ${rawFn[fn]}::float8 as value, count(*)::float8 as count
      from time_series_data
      where ${entityId === null ? sql`true` : sql`entity_id = ${entityId}`} and time >= ${range.from}::timestamptz and time < ${range.to}::timestamptz
        and entity_id like 'rt-%'
      group by 1, 2 order by 1 ${sql.raw(order)}, 2 limit ${limit}`,
  )
  return rows.map((r) => ({ bucket: r.bucket, entity_id: r.entity_id, value: Number(r.value), count: Number(r.count) }))
}

function request(entityId: string | null, interval: string, range: TimeRange, options: TimeBucketOptions = {}) {
  return { entityId, width: validateInterval(interval), range: validateRange(range), options: validateTimeBucketOptions(options) }
}

const routed = async (db: AnyPgDatabase, ...args: Parameters<typeof request>) =>
  (await hourlyMetricsQuery(db, request(...args))) !== undefined

for (const target of targets) {
  describe(`getTimeBuckets from hourly_metrics on ${target.name}`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open()
      await insertManyRecords(t.db, records)
    })
    afterAll(() => t.close())

    /** Routed (or not, as `expectRouted` says) and equal to the raw query, for every case. */
    async function check(expectRouted: boolean, range: TimeRange = all) {
      const cases: Array<[string | null, string, Fn, 'asc' | 'desc', number]> = [
        ['rt-b', '1 hour', 'avg', 'desc', 1000],
        ['rt-b', '1 hour', 'avg', 'asc', 7],
        [null, '1 hour', 'avg', 'desc', 1000],
        [null, '1 hour', 'avg', 'desc', 20],
        [null, '1 hour', 'max', 'asc', 20],
        ['rt-a', '3 hours', 'min', 'desc', 1000],
        [null, '3 hours', 'count', 'desc', 10],
        [null, '2 hours', 'max', 'asc', 11],
        ['rt-c', '1 day', 'count', 'asc', 1000],
      ]
      for (const [entityId, interval, fn, order, limit] of cases) {
        const options = { aggregateFunction: fn, order, limit } as const
        expect([entityId, interval, fn, order, await routed(t.db, entityId, interval, range, options)]).toEqual([
          entityId,
          interval,
          fn,
          order,
          expectRouted,
        ])
        const got: TimeBucketResult[] = await getTimeBuckets(t.db, entityId, interval, range, options)
        expect(got.length).toBeGreaterThan(0)
        expect([entityId, interval, fn, order, got]).toEqual([
          entityId,
          interval,
          fn,
          order,
          await raw(t.db, entityId, interval, range, fn, order, limit),
        ])
      }
    }

    if (hasTsl(target)) {
      test('before any refresh nothing is materialized: the raw query runs, same numbers', async () => {
        await check(false)
      })

      test('after a refresh: materialized hours plus the raw tail after the watermark, same numbers', async () => {
        await t.db.execute(sql`call refresh_continuous_aggregate('hourly_metrics', null, ${materializedUntil}::timestamptz)`)
        await check(true)
        // A range inside the materialized part only, and one inside the tail only.
        await check(true, { from: at(base, 3600), to: at(base, 20 * 3600) })
        await check(false, { from: at(base, 40 * 3600), to: all.to })
      })

      test('late data in a materialized hour: not routed until the next refresh, then routed again', async () => {
        await insertManyRecords(t.db, [{ entity_id: 'rt-b', time: at(base, 5 * 3600 + 61), value: 100.5 }])
        await check(false)
        // A range that does not reach the changed hour is still read from the aggregate.
        await check(true, { from: at(base, 12 * 3600), to: all.to })
        await t.db.execute(sql`call refresh_continuous_aggregate('hourly_metrics', null, ${materializedUntil}::timestamptz)`)
        await check(true)
      })

      test('new rows after the watermark are read from the table (the un-materialized tail)', async () => {
        await insertManyRecords(t.db, [
          { entity_id: 'rt-a', time: at(base, 47 * 3600 + 7), value: 64.25 },
          { entity_id: 'rt-d', time: at(base, 46 * 3600), value: 2 },
        ])
        await check(true)
        const [newest] = await getTimeBuckets(t.db, 'rt-a', '1 hour', all, { aggregateFunction: 'max' })
        expect(newest?.value).toBe(64.25)
      })

      test('deleted rows below the watermark: not routed until the next refresh', async () => {
        await t.db.execute(
          sql`delete from time_series_data where entity_id = 'rt-c' and time >= ${at(base, 7200)}::timestamptz and time < ${at(base, 10_800)}::timestamptz`,
        )
        await check(false)
        await t.db.execute(sql`call refresh_continuous_aggregate('hourly_metrics', null, ${materializedUntil}::timestamptz)`)
        await check(true)
      })
    }

    test('never routed: part hours, other columns and functions, time zones, gap filling, avg of several hours', () => {
      const routable = (...args: Parameters<typeof request>) => routableHours(request(...args))
      expect(routable('x', '1 hour', all)).toBe(1)
      expect(routable(null, '2 hours', all, { aggregateFunction: 'max' })).toBe(2)
      expect(routable('x', '1 day', all, { aggregateFunction: 'count' })).toBe(24)
      expect(routable('x', '2 hours', all)).toBe(0)
      expect(routable('x', '90 minutes', all, { aggregateFunction: 'max' })).toBe(0)
      expect(routable('x', '1 month', all, { aggregateFunction: 'max' })).toBe(0)
      expect(routable('x', '1 hour', { from: at(base, 60), to: all.to })).toBe(0)
      expect(routable('x', '1 hour', { from: base, to: at(base, 3600, 1) })).toBe(0)
      expect(routable('x', '1 hour', all, { aggregateColumn: 'value2' })).toBe(0)
      expect(routable('x', '1 hour', all, { aggregateFunction: 'sum' })).toBe(0)
      expect(routable('x', '1 hour', all, { aggregateFunction: 'last' })).toBe(0)
      expect(routable('x', '1 hour', all, { timeZone: 'UTC' })).toBe(0)
      expect(routable('x', '1 hour', all, { gapFill: 'null' })).toBe(0)
    })

    if (!hasTsl(target)) {
      test('without the Timescale license there is no aggregate: looked for once per database, then never', async () => {
        const probe = counting(t.db)
        expect(await routed(probe.db, 'rt-a', '1 hour', all)).toBe(false)
        const first = probe.statements
        expect(first).toBeGreaterThanOrEqual(1)
        expect(await routed(probe.db, 'rt-a', '1 hour', all)).toBe(false)
        expect(probe.statements).toBe(first)
        await check(false)
      })
    }

    test('every entity: null reads them all; undefined, empty and gap filling are refused', async () => {
      const got = await getTimeBuckets(t.db, null, '1 day', all, { aggregateFunction: 'count', order: 'asc' })
      expect(new Set(got.map((b) => b.entity_id))).toEqual(new Set(entities.concat(target.license === 'timescale' ? ['rt-d'] : [])))
      expect(got).toEqual(await raw(t.db, null, '1 day', all, 'count', 'asc', 1000))
      for (const [call, field] of [
        [() => getTimeBuckets(t.db, undefined as never, '1 hour', all), 'entityId'],
        [() => getTimeBuckets(t.db, '', '1 hour', all), 'entityId'],
        [() => getTimeBuckets(t.db, null, '1 hour', all, { gapFill: 'locf' }), 'gapFill'],
      ] as const) {
        expect(((await call().catch((e: unknown) => e)) as { details?: { field?: string } }).details?.field).toBe(field)
      }
    })
  })
}
