import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../src/internal/query-rows.ts'
import { getTimeBuckets, insertManyRecords } from '../../src/repository/index.ts'
import { timeSeriesData } from '../../src/schema/index.ts'
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.ts'

// Each file sets it: the preload's setDefaultTimeout reaches only the first test file of a run (Bun 1.4.5).
setDefaultTimeout(60_000)

const count = async (t: TestDatabase) => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from time_series_data`))[0]?.n

describe('createTestDatabase', () => {
  let a: TestDatabase
  let b: TestDatabase
  beforeAll(async () => {
    ;[a, b] = await Promise.all([createTestDatabase(), createTestDatabase()])
  })
  afterAll(async () => {
    await a.close()
    await b.close()
  })

  test('each call gives a database of its own: rows written in one are not in another', async () => {
    await a.db.insert(timeSeriesData).values({ entity_id: 'iso-a', time: '2024-01-15T10:30:00Z', value: 1 })
    expect(await count(a)).toBe(1)
    expect(await count(b)).toBe(0)
    const c = await createTestDatabase()
    expect(await count(c)).toBe(0)
    await c.close()
  })

  test('is migrated: a hypertable with compression, the continuous aggregate, the policies', async () => {
    const [row] = await queryRows<{ hypertables: number; caggs: number; jobs: number; migrations: number }>(
      b.db,
      sql`select (select count(*)::int from timescaledb_information.hypertables where hypertable_name = 'time_series_data' and compression_enabled) as hypertables,
                 (select count(*)::int from timescaledb_information.continuous_aggregates where view_name = 'hourly_metrics') as caggs,
                 (select count(*)::int from timescaledb_information.jobs where job_id >= 1000) as jobs,
                 (select count(*)::int from drizzle.__drizzle_timescale_migrations) as migrations`,
    )
    expect(row).toEqual({ hypertables: 1, caggs: 1, jobs: 3, migrations: 5 })
  })

  test('TimescaleDB works in it: hypertable inserts, time buckets, compression', async () => {
    await insertManyRecords(b.db, [
      { entity_id: 'kit-1', time: '2024-01-15T10:10:00Z', value: 20 },
      { entity_id: 'kit-1', time: '2024-01-15T10:40:00Z', value: 22 },
    ])
    const [bucket] = await getTimeBuckets(b.db, 'kit-1', '1 hour', { from: '2024-01-15T00:00:00Z', to: '2024-01-16T00:00:00Z' })
    expect(bucket).toMatchObject({ bucket: '2024-01-15T10:00:00.000000Z', value: 21, count: 2 })
    const compressed = await queryRows<{ c: string }>(b.db, sql`select compress_chunk(c)::text as c from show_chunks('time_series_data') c`)
    expect(compressed.length).toBeGreaterThan(0)
    expect(await count(b)).toBe(2)
  })

  test('closing one database leaves the others open', async () => {
    const c = await createTestDatabase()
    await c.close()
    await c.close()
    expect(c.pglite.closed).toBe(true)
    expect(await count(b)).toBeGreaterThanOrEqual(0)
    const d = await createTestDatabase()
    expect(await count(d)).toBe(0)
    await d.close()
  })

  test('await using closes it at the end of the scope', async () => {
    let kept: TestDatabase | undefined
    {
      await using t = await createTestDatabase()
      kept = t
      expect(await count(t)).toBe(0)
    }
    expect(kept?.pglite.closed).toBe(true)
  })

  test('migrate: false gives TimescaleDB without the package tables, for tests of your own migrations', async () => {
    await using t = await createTestDatabase({ migrate: false })
    const [row] = await queryRows<{ ext: string | null; table: string | null }>(
      t.db,
      sql`select (select extversion from pg_extension where extname = 'timescaledb') as ext, to_regclass('time_series_data')::text as table`,
    )
    expect(row?.ext).toBeTruthy()
    expect(row?.table).toBeNull()
  })
})
