import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { QueryError, ValidationError } from '../../src/errors.ts'
import { getTimeBuckets, insertManyRecords } from '../../src/repository/index.ts'
import type { TimeBucketResult, TimeSeriesRecord } from '../../src/types.ts'
import { hasTsl, type TestDatabase, targets } from '../support/targets.ts'
import { at } from './support.ts'

const HOUR = 3_600_000
const base = '2024-01-10T00:00:00Z'
// A record every 7 minutes over 10 hours, none in hours 03:00 and 04:00 (a gap).
const records: TimeSeriesRecord[] = Array.from({ length: 86 }, (_, i) => ({
  entity_id: 'tb',
  time: at(base, i * 7 * 60, i),
  value: (i * 5) % 13,
  value2: i * 1.5,
})).filter((r) => ![3, 4].includes(new Date(String(r.time)).getUTCHours()))
const day = { from: base, to: at(base, 10 * 3600) }

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000Z`

/** Buckets computed in JS: `start(ms)` gives the bucket start of an instant. */
function jsBuckets(
  rows: TimeSeriesRecord[],
  start: (ms: number) => number,
  aggregate: (values: number[]) => number = (v) => v.reduce((a, b) => a + b, 0) / v.length,
  column: 'value' | 'value2' = 'value',
): TimeBucketResult[] {
  const groups = new Map<number, number[]>()
  for (const r of rows) {
    const key = start(Date.parse(String(r.time)))
    groups.set(key, [...(groups.get(key) ?? []), r[column] as number])
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([key, values]) => ({ bucket: iso(key), entity_id: 'tb', value: aggregate(values), count: values.length }))
}

function expectBuckets(got: TimeBucketResult[], want: TimeBucketResult[]): void {
  expect(got.map((b) => [b.bucket, b.entity_id, b.count])).toEqual(want.map((b) => [b.bucket, b.entity_id, b.count]))
  got.forEach((b, i) => {
    const w = want[i]?.value
    if (w === null || w === undefined) expect(b.value).toBeNull()
    else expect(b.value).toBeCloseTo(w, 9)
  })
}

const hourly = jsBuckets(records, (ms) => Math.floor(ms / HOUR) * HOUR)

for (const target of targets) {
  describe(`getTimeBuckets on ${target.name}`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open()
      await insertManyRecords(t.db, records)
    })
    afterAll(() => t.close())

    test('1 hour buckets: avg of value and row count, newest first', async () => {
      expectBuckets(await getTimeBuckets(t.db, 'tb', '1 hour', day), [...hourly].reverse())
    })

    test('oldest first with order asc; limit keeps the first buckets in that order', async () => {
      expectBuckets(await getTimeBuckets(t.db, 'tb', '1 hour', day, { order: 'asc' }), hourly)
      expectBuckets(await getTimeBuckets(t.db, 'tb', '1 hour', day, { order: 'asc', limit: 3 }), hourly.slice(0, 3))
      expectBuckets(await getTimeBuckets(t.db, 'tb', '1 hour', day, { limit: 2 }), [...hourly].reverse().slice(0, 2))
    })

    test('aggregateFunction and aggregateColumn: max, sum, count, first, last, stddev of value2', async () => {
      const hour = (ms: number) => Math.floor(ms / HOUR) * HOUR
      const cases: Array<[string, (v: number[]) => number]> = [
        ['max', (v) => Math.max(...v)],
        ['sum', (v) => v.reduce((a, b) => a + b, 0)],
        ['count', (v) => v.length],
        ['first', (v) => v[0] as number],
        ['last', (v) => v.at(-1) as number],
        [
          'stddev',
          (v) => {
            const mean = v.reduce((a, b) => a + b, 0) / v.length
            return Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (v.length - 1))
          },
        ],
      ]
      for (const [func, aggregate] of cases) {
        const got = await getTimeBuckets(t.db, 'tb', '1 hour', day, {
          aggregateFunction: func as never,
          aggregateColumn: 'value2',
          order: 'asc',
        })
        expectBuckets(got, jsBuckets(records, hour, aggregate, 'value2'))
      }
    })

    test('15 minute and 2 hour buckets', async () => {
      const width = (ms: number) => (x: number) => Math.floor(x / ms) * ms
      expectBuckets(await getTimeBuckets(t.db, 'tb', '15 minutes', day, { order: 'asc' }), jsBuckets(records, width(15 * 60_000)))
      expectBuckets(await getTimeBuckets(t.db, 'tb', '2h', day, { order: 'asc' }), jsBuckets(records, width(2 * HOUR)))
    })

    test('every interval spelling the grammar accepts is accepted by the server with the same width', async () => {
      const spellings: Array<[string, number]> = [
        ['30 seconds', 30_000],
        ['30s', 30_000],
        ['30 secs', 30_000],
        ['1 minute', 60_000],
        ['5 min', 300_000],
        ['1 hour 30 minutes', 90 * 60_000],
        ['1 hr', HOUR],
        ['3 hrs', 3 * HOUR],
        ['1 day', 24 * HOUR],
        ['1d', 24 * HOUR],
        ['1 second 500 milliseconds', 1500],
        ['250 msec', 250],
        ['1000000 microseconds', 1000],
        ['500000 us', 500],
      ]
      for (const [interval, widthMs] of spellings) {
        // time_bucket's default origin for these widths is Monday 2000-01-03 00:00 UTC.
        const origin = Date.UTC(2000, 0, 3)
        const start = (ms: number) => origin + Math.floor((ms - origin) / widthMs) * widthMs
        expectBuckets(await getTimeBuckets(t.db, 'tb', interval, day, { order: 'asc' }), jsBuckets(records, start))
      }
    })

    test('1 week and 1 month buckets', async () => {
      const weekly = await getTimeBuckets(t.db, 'tb', '1 week', day)
      expect(weekly.map((b) => [b.bucket, b.count])).toEqual([['2024-01-08T00:00:00.000000Z', records.length]])
      const monthly = await getTimeBuckets(t.db, 'tb', '1 month', { from: '2023-12-01T00:00:00Z', to: '2024-03-01T00:00:00Z' })
      expect(monthly.map((b) => [b.bucket, b.count])).toEqual([['2024-01-01T00:00:00.000000Z', records.length]])
    })

    test('time zone: 1 day buckets in America/New_York start at 05:00Z in winter and 04:00Z in summer', async () => {
      await insertManyRecords(t.db, [
        { entity_id: 'tb-tz', time: '2024-01-10T04:59:59Z', value: 1 },
        { entity_id: 'tb-tz', time: '2024-01-10T05:00:00Z', value: 2 },
        { entity_id: 'tb-tz', time: '2024-01-11T04:00:00Z', value: 4 },
        { entity_id: 'tb-tz', time: '2024-07-10T03:59:59Z', value: 8 },
        { entity_id: 'tb-tz', time: '2024-07-10T04:00:00Z', value: 16 },
      ])
      const got = await getTimeBuckets(
        t.db,
        'tb-tz',
        '1 day',
        { from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' },
        {
          timeZone: 'America/New_York',
          aggregateFunction: 'sum',
          order: 'asc',
        },
      )
      expect(got).toEqual([
        { bucket: '2024-01-09T05:00:00.000000Z', entity_id: 'tb-tz', value: 1, count: 1 },
        { bucket: '2024-01-10T05:00:00.000000Z', entity_id: 'tb-tz', value: 6, count: 2 },
        { bucket: '2024-07-09T04:00:00.000000Z', entity_id: 'tb-tz', value: 8, count: 1 },
        { bucket: '2024-07-10T04:00:00.000000Z', entity_id: 'tb-tz', value: 16, count: 1 },
      ])
      const utc = await getTimeBuckets(
        t.db,
        'tb-tz',
        '1 day',
        { from: '2024-01-01T00:00:00Z', to: '2024-02-01T00:00:00Z' },
        {
          timeZone: 'UTC',
          order: 'asc',
        },
      )
      expect(utc.map((b) => [b.bucket, b.count])).toEqual([
        ['2024-01-10T00:00:00.000000Z', 2],
        ['2024-01-11T00:00:00.000000Z', 1],
      ])
    })

    test('a time zone the server does not know is a ValidationError on timeZone', async () => {
      const error = await getTimeBuckets(t.db, 'tb', '1 hour', day, { timeZone: 'Mars/Olympus_Mons' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as ValidationError).details.field).toBe('timeZone')
    })

    test('an empty range gives no buckets', async () => {
      expect(await getTimeBuckets(t.db, 'tb', '1 hour', { from: base, to: base })).toEqual([])
      expect(await getTimeBuckets(t.db, 'tb', '1 hour', { from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' })).toEqual([])
    })

    test('bad arguments are refused with the field named', async () => {
      const attempts: Array<[() => Promise<unknown>, string]> = [
        [() => getTimeBuckets(t.db, 'tb', 'soon', day), 'interval'],
        [() => getTimeBuckets(t.db, 'tb', "1 hour'); select pg_sleep(1); --", day), 'interval'],
        [() => getTimeBuckets(t.db, 'tb', '1 month 1 day', day), 'interval'],
        [
          () => getTimeBuckets(t.db, 'tb', '1 hour', day, { aggregateFunction: 'avg(value)); drop table x; --' as never }),
          'aggregateFunction',
        ],
        [() => getTimeBuckets(t.db, 'tb', '1 hour', day, { aggregateColumn: 'metadata' as never }), 'aggregateColumn'],
        [() => getTimeBuckets(t.db, 'tb', '1 hour', day, { timeZone: "UTC'); drop table time_series_data; --" }), 'timeZone'],
        [() => getTimeBuckets(t.db, 'tb', '1 hour', day, { gapFill: 'linear' as never }), 'gapFill'],
        [() => getTimeBuckets(t.db, 'tb', '1 hour', day, { order: 'desc nulls first' as never }), 'order'],
        [() => getTimeBuckets(t.db, 'tb', '1 hour', day, { limit: 0 }), 'limit'],
        [() => getTimeBuckets(t.db, 'tb', '1 microsecond', day, { gapFill: 'null' }), 'interval'],
      ]
      for (const [call, field] of attempts) {
        const error = await call().catch((e: unknown) => e)
        expect(error).toBeInstanceOf(ValidationError)
        expect((error as ValidationError).details.field).toBe(field)
      }
    })

    test.if(hasTsl(target))("gap filling with 'null', 'locf' and 'interpolate'", async () => {
      const range = { from: '2024-01-09T22:00:00Z', to: day.to }
      const byHour = new Map(hourly.map((b) => [b.bucket, b]))
      const hours = Array.from({ length: 12 }, (_, i) => iso(Date.parse(range.from) + i * HOUR))
      const v = (h: number) => byHour.get(iso(Date.parse(base) + h * HOUR))?.value as number
      const fill = {
        null: (_h: number) => null,
        locf: (h: number) => (h < 0 ? null : v(2)),
        interpolate: (h: number) => (h < 0 ? null : v(2) + ((v(5) - v(2)) * (h - 2)) / 3),
      }
      for (const gapFill of ['null', 'locf', 'interpolate'] as const) {
        const got = await getTimeBuckets(t.db, 'tb', '1 hour', range, { gapFill, order: 'asc' })
        const want = hours.map((bucket, i) => {
          const h = i - 2
          const found = byHour.get(bucket)
          return found ?? { bucket, entity_id: 'tb', value: fill[gapFill](h), count: 0 }
        })
        expectBuckets(got, want)
      }
      const newest = await getTimeBuckets(t.db, 'tb', '1 hour', range, { gapFill: 'locf', limit: 3 })
      expect(newest.map((b) => b.bucket)).toEqual(hours.slice(9).reverse())
    })

    test.if(!hasTsl(target))('gap filling without the Timescale license is FEATURE_NOT_LICENSED, even over an empty range', async () => {
      for (const range of [day, { from: base, to: base }, { from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' }]) {
        const error = await getTimeBuckets(t.db, 'tb', '1 hour', range, { gapFill: 'locf' }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(QueryError)
        expect((error as QueryError).code).toBe('FEATURE_NOT_LICENSED')
      }
    })
  })
}
