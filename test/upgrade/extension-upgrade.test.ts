/*
 * TimescaleDB upgraded in place, 2.24.0 -> 2.29.2 (`ALTER EXTENSION timescaledb UPDATE`, the
 * first statement of a fresh session), under a database the package migrated and filled on
 * 2.24.0: its own tables and aggregate, a declared hypertable with a two-level aggregate,
 * compressed chunks, policies. Between the two the catalog lost `continuous_agg.finalized` (2.25),
 * moved the jobs table (2.25), made the chunk constraint table a view and named chunks by `relid`
 * (2.28), and batched manual refreshes (2.28). On the upgraded database: buckets still route to
 * the aggregates and equal the raw answer, upserts land in chunks compressed before the upgrade,
 * the status has no problem, `check` finds no drift, chunks and jobs are operated as on a fresh
 * database. Runs on the full-license native server, where scripts/native-db-start.sh installs
 * 2.24.0 beside 2.29.2.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createId } from '@paralleldrive/cuid2'
import { sql } from 'drizzle-orm'
import { doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { type AnyPgDatabase, queryRows } from '../../src/internal/query-rows.ts'
import { migrate } from '../../src/migrate.ts'
import { compressChunks, listChunks, listJobs, refreshContinuousAggregate, runJob } from '../../src/operations/index.ts'
import { routedBuckets, routePlans } from '../../src/repository/aggregate-route.ts'
import { checkBucketQuery } from '../../src/repository/bucket-rows.ts'
import { getRecords, getTimeBuckets, insertManyRecords } from '../../src/repository/index.ts'
import { tableShape } from '../../src/repository/table-shape.ts'
import { timescale } from '../../src/repository/timescale.ts'
import { collectStatus, statusProblems } from '../../src/status/index.ts'
import { checkDrift, continuousAggregate, hypertable, measure, stateOf } from '../../src/toolkit/index.ts'
import { hourlyMetricsAggregate, timeSeriesHypertable } from '../../src/toolkit/package-declarations.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'
import { targets, withDatabase } from '../support/targets.ts'

const OLD = '2.24.0'
const prices = pgTable(
  'upgrade_prices',
  {
    symbol: text('symbol').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    price: doublePrecision('price').notNull(),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.time] })],
)
const pricesHypertable = hypertable(prices, { time: 'time', chunkInterval: '7 days', compression: { segmentBy: ['symbol'] } })
const daily = continuousAggregate('upgrade_prices_daily', {
  from: pricesHypertable,
  bucket: '1 day',
  groupBy: ['symbol'],
  measures: { n: measure.count(), total: measure.sum(prices.price), high: measure.max(prices.price), v: measure.variance(prices.price) },
})
const monthly = continuousAggregate('upgrade_prices_monthly', {
  from: daily,
  bucket: '1 month',
  groupBy: ['symbol'],
  measures: { n: measure.count(), total: measure.sum(prices.price), high: measure.max(prices.price), v: measure.variance(prices.price) },
})
const declarations = [timeSeriesHypertable, hourlyMetricsAggregate, pricesHypertable, daily, monthly]

const START = Date.parse('2025-01-01T00:00:00Z')
const iso = (ms: number) => new Date(ms).toISOString()
const priceRows = ['AAA', 'BBB'].flatMap((symbol, s) =>
  Array.from({ length: 24 * 90 }, (_, i) => ({ symbol, time: iso(START + i * 3_600_000), price: 100 + s * 10 + ((i * 7) % 41) / 8 })),
)
const records = Array.from({ length: 24 * 20 }, (_, i) => ({ entity_id: `u-${i % 3}`, time: iso(START + i * 3_600_000), value: i % 17 }))

const tsl = targets.find((t) => t.kind === 'native' && t.license === 'timescale')

describe.if(tsl !== undefined)(`TimescaleDB ${OLD} -> ${tsl?.version} in place, under the package`, () => {
  const name = `dts_upgrade_${createId().slice(0, 10)}`
  const adminUrl = tsl?.url as string
  const url = tsl ? withDatabase(adminUrl, name) : ''
  let client: postgres.Sql
  let db: AnyPgDatabase
  let available = false
  beforeAll(async () => {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
    const [old] =
      await admin`select count(*)::int as n from pg_available_extension_versions where name = 'timescaledb' and version = ${OLD}`
    available = old?.n === 1
    if (!available) {
      console.log(`[upgrade] TimescaleDB ${OLD} is not installed on this server (scripts/native-db-start.sh installs it): skipped`)
      await admin.end()
      return
    }
    await admin.unsafe(`create database "${name}"`)
    await admin.end()
    // On 2.24.0: the package's migrations, a declared hypertable with two aggregate levels, rows, refreshes, compression.
    const before = postgres(url, { max: 1, onnotice: () => {} })
    await before.unsafe(`create extension timescaledb version '${OLD}'`)
    const oldDb = drizzle(before)
    await migrate(oldDb, { pauseJobs: true })
    await oldDb.execute(
      sql`create table upgrade_prices (symbol text not null, time timestamptz not null, price double precision not null, primary key (symbol, time))`,
    )
    await applyDeclarations(oldDb, [pricesHypertable, daily, monthly])
    await timescale(oldDb, pricesHypertable).insertMany(priceRows)
    await insertManyRecords(oldDb, records)
    for (const aggregate of ['hourly_metrics', 'upgrade_prices_daily', 'upgrade_prices_monthly']) {
      await oldDb.execute(sql.raw(`call refresh_continuous_aggregate('${aggregate}', null, null)`))
    }
    await oldDb.execute(sql`select compress_chunk(c) from show_chunks('upgrade_prices', older_than => '2025-03-01'::timestamptz) c`)
    await oldDb.execute(sql`select compress_chunk(c) from show_chunks('time_series_data', older_than => '2025-01-15'::timestamptz) c`)
    const [version] = await before`select extversion from pg_extension where extname = 'timescaledb'`
    expect(version?.extversion).toBe(OLD)
    await before.end()
    // The upgrade: the first statement of a fresh session (postgres.js would otherwise read the
    // array types first, which loads the old library: "cannot be updated after the old version
    // has already been loaded").
    const session = postgres(url, { max: 1, onnotice: () => {}, fetch_types: false })
    await session.unsafe('alter extension timescaledb update')
    await session.end()
    client = postgres(url, { max: 4, onnotice: () => {} })
    db = drizzle(client) as AnyPgDatabase
  }, 300_000)
  afterAll(async () => {
    await client?.end()
    if (available) {
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
      await admin.unsafe(`drop database if exists "${name}" with (force)`)
      await admin.end()
    }
  })

  test('the extension is the new release; the status has no problem and check no drift', async () => {
    if (!available) return
    const [row] = await queryRows<{ v: string }>(db, sql`select extversion as v from pg_extension where extname = 'timescaledb'`)
    expect(row?.v).toBe(tsl?.version as string)
    expect(statusProblems(await collectStatus(db))).toEqual([])
    const report = await checkDrift(db, stateOf(declarations))
    expect(report.drift).toEqual([])
    expect(report.notChecked).toEqual([])
  })

  test('buckets route to the monthly aggregate made on the old release and equal the raw query', async () => {
    if (!available) return
    const query = {
      width: '1 month',
      from: '2025-01-01T00:00:00Z',
      to: '2025-04-01T00:00:00Z',
      groupBy: ['symbol'] as 'symbol'[],
      measures: {
        n: measure.count(),
        total: measure.sum(prices.price),
        high: measure.max(prices.price),
        v: measure.variance(prices.price),
      },
      order: 'asc' as const,
    }
    const shape = tableShape(pricesHypertable)
    const q = checkBucketQuery(shape, prices, query)
    expect((await routedBuckets(db, shape, routePlans(shape, [daily, monthly], q), q))?.aggregate.spec.name).toBe('upgrade_prices_monthly')
    const routed = await timescale(db, pricesHypertable, { aggregates: [daily, monthly] }).buckets(query)
    const raw = await timescale(db, pricesHypertable).buckets(query)
    expect(routed.map(({ v, ...r }) => r)).toEqual(raw.map(({ v, ...r }) => r))
    for (const [i, r] of routed.entries())
      expect(Math.abs((r.v as number) - (raw[i]?.v as number)) / (raw[i]?.v as number)).toBeLessThan(1e-9)
    // The package's own aggregate: getTimeBuckets answers as the rows do.
    const hours = await getTimeBuckets(db, 'u-1', '1 hour', { from: '2025-01-02T00:00:00Z', to: '2025-01-03T00:00:00Z' })
    const rows = records.filter((r) => r.entity_id === 'u-1' && r.time.startsWith('2025-01-02'))
    expect(hours.map((h) => h.value).sort()).toEqual(rows.map((r) => r.value).sort())
  })

  test('upserts into chunks compressed before the upgrade, and the chunk and job operations', async () => {
    if (!available) return
    const chunks = await listChunks(db, pricesHypertable)
    expect(chunks.filter((c) => c.compressed).length).toBeGreaterThan(0)
    const changed = priceRows.filter((r) => r.time.startsWith('2025-01-1')).map((r) => ({ ...r, price: r.price + 1000 }))
    await timescale(db, pricesHypertable).insertMany(changed)
    const [sums] = await queryRows<{ n: number; total: number }>(
      db,
      sql`select count(*)::int as n, sum(price)::float8 as total from upgrade_prices`,
    )
    expect(sums?.n).toBe(priceRows.length)
    expect(sums?.total).toBe(priceRows.reduce((s, r) => s + r.price, 0) + 1000 * changed.length)
    await insertManyRecords(db, [{ entity_id: 'u-0', time: records[0]?.time as string, value: 99 }])
    expect((await getRecords(db, 'u-0', { from: '2025-01-01T00:00:00Z', to: '2025-01-01T00:00:01Z' }))[0]?.value).toBe(99)
    const run = await compressChunks(db, pricesHypertable, { olderThan: '2025-04-01T00:00:00Z' })
    expect(run.chunks.length + run.unchanged).toBe(
      chunks.filter((c) => c.rangeEnd !== null && Date.parse(String(c.rangeEnd)) <= Date.parse('2025-04-01T00:00:00Z')).length,
    )
    const refreshed = await refreshContinuousAggregate(db, daily, { from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z' })
    expect(refreshed.watermark).not.toBeNull()
    const [policy] = (await listJobs(db, { target: 'time_series_data' })).filter((j) => j.procName === 'policy_compression')
    expect((await runJob(db, policy?.id as number)).job.id).toBe(policy?.id as number)
  })
})
