/*
 * The app's own hypertable and its two-level aggregate, made by the migrations `bun run
 * generate:timescale` wrote (drizzle/0002, 0003): readings written with Drizzle, both aggregates
 * refreshed, and the days read through Drizzle equal to the raw rows' numbers.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { TestDatabase } from 'drizzle-timescale/testing'
import { meterDays, meterHours, recordMeterReadings } from '../src/queries.ts'
import { createAppTestDatabase } from './app-test-database.ts'

let tsdb: TestDatabase
const week = { from: '2024-01-15T00:00:00Z', to: '2024-01-22T00:00:00Z' }

beforeAll(async () => {
  tsdb = await createAppTestDatabase()
  // Two meters, a reading every 15 minutes for a week; meter m-2 reads twice as much.
  const rows = []
  for (let i = 0; i < 7 * 96; i++) {
    const time = new Date(Date.parse(week.from) + i * 15 * 60_000).toISOString()
    const kwh = 1 + (i % 96) / 96
    rows.push({ meterId: 'm-1', time, kwh }, { meterId: 'm-2', time, kwh: 2 * kwh })
  }
  await recordMeterReadings(tsdb.db, rows)
  // One call each: a refresh cannot run inside a transaction, and a multi-statement exec is one.
  await tsdb.pglite.exec(`call refresh_continuous_aggregate('meter_readings_hourly', null, null)`)
  await tsdb.pglite.exec(`call refresh_continuous_aggregate('meter_readings_daily', null, null)`)
})
afterAll(() => tsdb.close())

describe('the app hypertable and its aggregates', () => {
  test('meter_readings is a hypertable with the declared chunks, columnstore and policies', async () => {
    const { rows } = await tsdb.pglite.query<{ proc_name: string; config: string }>(
      `select proc_name, (config - 'hypertable_id' - 'mat_hypertable_id')::text as config from timescaledb_information.jobs
       where hypertable_name in ('meter_readings', 'meter_readings_hourly', 'meter_readings_daily') order by hypertable_name, proc_name`,
    )
    expect(rows.map((r) => r.proc_name)).toEqual([
      'policy_compression',
      'policy_retention',
      'policy_refresh_continuous_aggregate',
      'policy_refresh_continuous_aggregate',
    ])
    expect(rows[1]?.config).toContain('"drop_after": "2 years"') // 0003 replaced 0002's 1 year
  })

  test('the daily level, rolled up from the hourly one, equals the raw rows', async () => {
    const days = await meterDays(tsdb.db, 'm-2', week)
    const { rows: raw } = await tsdb.pglite.query<{ day: string; total: number; avg: number; peak: number; n: number }>(
      `select time_bucket('1 day', time)::text as day, sum(kwh) as total, avg(kwh) as avg, max(kwh) as peak, count(*)::int as n
       from meter_readings where meter_id = 'm-2' group by 1 order by 1`,
    )
    expect(days).toHaveLength(7)
    expect(days.map((d) => d.bucket)).toEqual(raw.map((r) => r.day))
    days.forEach((d, i) => {
      const want = raw[i] as (typeof raw)[number]
      expect(d.readings).toBe(96)
      expect(d.total_kwh as number).toBeCloseTo(want.total, 9)
      expect(d.avg_kwh as number).toBeCloseTo(want.avg, 9)
      expect(d.peak_kwh).toBe(want.peak)
    })
    const hours = await meterHours(tsdb.db, 'm-1', { from: week.from, to: '2024-01-15T03:00:00Z' })
    expect(hours.map((h) => h.readings)).toEqual([4, 4, 4])
  })
})
