import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ClientFactory } from 'drizzle-timescale'
import { hourlyMetrics, timeSeriesData } from 'drizzle-timescale/schema'
import type { TestDatabase } from 'drizzle-timescale/testing'
import { deviceHours, latestBySite, recordReadings, registerDevices, siteHours, siteReadings, siteSummary } from '../src/queries.ts'
import { devices } from '../src/schema.ts'
import { createAppTestDatabase } from './app-test-database.ts'

// The embedded database's session time zone is UTC: raw Drizzle selects of a `timestamptz`
// column in string mode give PostgreSQL's text form, `2024-01-15 10:00:00+00`.
const day = { from: '2024-01-15T00:00:00Z', to: '2024-01-16T00:00:00Z' }

let tsdb: TestDatabase

beforeAll(async () => {
  tsdb = await createAppTestDatabase()
  await registerDevices(tsdb.db, [
    { device_id: 'd-1', site: 'north', label: 'Boiler room' },
    { device_id: 'd-2', site: 'north' },
    { device_id: 'd-3', site: 'south', label: 'Gate' },
  ])
  const result = await recordReadings(tsdb.db, [
    { entity_id: 'd-1', time: '2024-01-15T10:00:00Z', value: 10 },
    { entity_id: 'd-1', time: '2024-01-15T10:30:00.123456Z', value: 20 },
    { entity_id: 'd-1', time: '2024-01-15T11:15:00Z', value: 30 },
    { entity_id: 'd-2', time: '2024-01-15T10:10:00Z', value: 5 },
    { entity_id: 'd-3', time: '2024-01-15T10:20:00+01:00', value: 100 }, // 09:20 UTC
    { entity_id: 'not-a-device', time: '2024-01-15T10:05:00Z', value: 1000 },
  ])
  expect(result).toMatchObject({ total: 6, written: 6, failed: 0 })
})

afterAll(() => tsdb.close())

describe('migrations', () => {
  test("the package's and the app's migrations are recorded in two tables", async () => {
    const { rows } = await tsdb.pglite.query<{ table_name: string; n: number }>(`
      select 'package' as table_name, count(*)::int as n from drizzle.__drizzle_timescale_migrations
      union all
      select 'app', count(*)::int from drizzle.__drizzle_migrations`)
    expect(rows).toEqual([
      { table_name: 'package', n: 5 },
      { table_name: 'app', n: 4 },
    ])
    const { rows: tables } = await tsdb.pglite.query<{ name: string }>(`select to_regclass('public.devices')::text as name`)
    expect(tables[0]?.name).toBe('devices')
  })

  test('every test database is a fresh one', async () => {
    await using other = await createAppTestDatabase()
    expect(await other.db.select().from(devices)).toEqual([])
    expect(await other.db.select().from(timeSeriesData)).toEqual([])
    expect(await tsdb.db.$count(devices)).toBe(3)
  })
})

describe('a join of time_series_data with devices', () => {
  test("a site's readings, oldest first, without other sites or non-devices", async () => {
    expect(await siteReadings(tsdb.db, 'north', day)).toEqual([
      { device_id: 'd-1', label: 'Boiler room', time: '2024-01-15 10:00:00+00', value: 10 },
      { device_id: 'd-2', label: null, time: '2024-01-15 10:10:00+00', value: 5 },
      { device_id: 'd-1', label: 'Boiler room', time: '2024-01-15 10:30:00.123456+00', value: 20 },
      { device_id: 'd-1', label: 'Boiler room', time: '2024-01-15 11:15:00+00', value: 30 },
    ])
    expect(await siteReadings(tsdb.db, 'south', day)).toEqual([
      { device_id: 'd-3', label: 'Gate', time: '2024-01-15 09:20:00+00', value: 100 },
    ])
  })

  test('the range is half-open', async () => {
    const rows = await siteReadings(tsdb.db, 'north', { from: '2024-01-15T10:10:00Z', to: '2024-01-15T11:15:00Z' })
    expect(rows.map((r) => r.value)).toEqual([5, 20])
  })

  test('per site: devices, readings, average and maximum', async () => {
    expect(await siteSummary(tsdb.db, day)).toEqual([
      { site: 'north', devices: 2, readings: 4, avg_value: 16.25, max_value: 30 },
      { site: 'south', devices: 1, readings: 1, avg_value: 100, max_value: 100 },
    ])
  })
})

describe('the hourly_metrics continuous aggregate', () => {
  const d1Hours = [
    { hour: '2024-01-15 10:00:00+00', entity_id: 'd-1', avg_value: 15, max_value: 20, min_value: 10, data_points: 2 },
    { hour: '2024-01-15 11:00:00+00', entity_id: 'd-1', avg_value: 30, max_value: 30, min_value: 30, data_points: 1 },
  ]
  const northHours = [
    { hour: '2024-01-15 10:00:00+00', devices: 2, data_points: 3, avg_value: 35 / 3, min_value: 5, max_value: 20 },
    { hour: '2024-01-15 11:00:00+00', devices: 1, data_points: 1, avg_value: 30, min_value: 30, max_value: 30 },
  ]

  test('a select on hourlyMetrics (real-time: nothing materialized yet)', async () => {
    expect(await deviceHours(tsdb.db, 'd-1', day)).toEqual(d1Hours)
  })

  test('hourlyMetrics joined with devices, per site', async () => {
    expect(await siteHours(tsdb.db, 'north', day)).toEqual(northHours)
  })

  test('the same answers once the aggregate is materialized', async () => {
    await tsdb.pglite.exec(`CALL refresh_continuous_aggregate('hourly_metrics', NULL, NULL)`)
    expect(await watermark(tsdb)).toBe('2024-01-15 12:00:00+00') // the end of the last hour with data
    expect(await deviceHours(tsdb.db, 'd-1', day)).toEqual(d1Hours)
    expect(await siteHours(tsdb.db, 'north', day)).toEqual(northHours)
    expect(await tsdb.db.$count(hourlyMetrics)).toBe(5) // d-1 twice, d-2, d-3, not-a-device
  })

  test('real-time: new hours show at once, a late reading in a materialized hour after a refresh', async () => {
    await using own = await createAppTestDatabase()
    await registerDevices(own.db, [{ device_id: 'd-9', site: 'east' }])
    await recordReadings(own.db, [{ entity_id: 'd-9', time: '2024-01-15T10:00:00Z', value: 1 }])
    await own.pglite.exec(`CALL refresh_continuous_aggregate('hourly_metrics', NULL, NULL)`)
    await recordReadings(own.db, [
      { entity_id: 'd-9', time: '2024-01-15T10:30:00Z', value: 3 }, // late: below the watermark
      { entity_id: 'd-9', time: '2024-01-15T12:30:00Z', value: 7 }, // new: above it
    ])
    const hours = async () => (await siteHours(own.db, 'east', day)).map((h) => [h.hour, h.data_points, h.avg_value])
    expect(await hours()).toEqual([
      ['2024-01-15 10:00:00+00', 1, 1],
      ['2024-01-15 12:00:00+00', 1, 7],
    ])
    await own.pglite.exec(`CALL refresh_continuous_aggregate('hourly_metrics', '2024-01-15 10:00Z', '2024-01-15 11:00Z')`)
    expect(await hours()).toEqual([
      ['2024-01-15 10:00:00+00', 2, 2],
      ['2024-01-15 12:00:00+00', 1, 7],
    ])
  })
})

async function watermark(db: TestDatabase): Promise<string | undefined> {
  const { rows } = await db.pglite.query<{ watermark: string }>(`
    select _timescaledb_functions.to_timestamp(_timescaledb_functions.cagg_watermark(mat_hypertable_id))::text as watermark
    from _timescaledb_catalog.continuous_agg where user_view_name = 'hourly_metrics'`)
  return rows[0]?.watermark
}

describe("the package's repository functions and client", () => {
  test("latestBySite: the newest reading of each of a site's devices (getLatestValues)", async () => {
    const latest = await latestBySite(tsdb.db, 'north')
    expect(latest.map(({ entity_id, time, value }) => ({ entity_id, time, value }))).toEqual([
      { entity_id: 'd-1', time: '2024-01-15T11:15:00.000000Z', value: 30 },
      { entity_id: 'd-2', time: '2024-01-15T10:10:00.000000Z', value: 5 },
    ])
  })

  test('a TimescaleClient over the same database', async () => {
    await using client = await ClientFactory.fromDrizzle(tsdb.db)
    const buckets = await client.getTimeBuckets('d-1', '1 hour', day, { aggregateFunction: 'max', order: 'asc' })
    expect(buckets.map((b) => [b.bucket, b.value])).toEqual([
      ['2024-01-15T10:00:00.000000Z', 20],
      ['2024-01-15T11:00:00.000000Z', 30],
    ])
    // The app's own query on the client's Drizzle database.
    expect(await siteReadings(client.db, 'south', day)).toHaveLength(1)
  })
})
