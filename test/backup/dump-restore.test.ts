/*
 * Backup and restore the documented way, `pg_dump -Fc` and `pg_restore` between
 * `timescaledb_pre_restore()` and `timescaledb_post_restore()` (the same TimescaleDB on both sides),
 * of a database holding the package's tables, a declared hypertable with a two-level aggregate,
 * compressed chunks, both aggregates with data and every policy. Afterwards: row digests equal,
 * the aggregates answer the same, `check` finds no drift, the jobs are back as they were
 * (scheduled or paused), the status has no problem, and the package writes into the restored
 * compressed chunks. On the full-license native server (the chroot's pg_dump and pg_restore 17).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { createId } from '@paralleldrive/cuid2'
import { sql } from 'drizzle-orm'
import { doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { type AnyPgDatabase, queryRows } from '../../src/internal/query-rows.ts'
import { setJobsScheduled } from '../../src/jobs/set-jobs-scheduled.ts'
import { migrate } from '../../src/migrate.ts'
import { compressChunks, listChunks, listJobs } from '../../src/operations/index.ts'
import { insertManyRecords } from '../../src/repository/index.ts'
import { timescale } from '../../src/repository/timescale.ts'
import { collectStatus, statusProblems } from '../../src/status/index.ts'
import { checkDrift, continuousAggregate, hypertable, measure, stateOf } from '../../src/toolkit/index.ts'
import { hourlyMetricsAggregate, timeSeriesHypertable } from '../../src/toolkit/package-declarations.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'
import { targets, withDatabase } from '../support/targets.ts'

const REPO = resolve(import.meta.dir, '../..')
const meters = pgTable(
  'backup_meters',
  {
    meter: text('meter').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    kwh: doublePrecision('kwh').notNull(),
  },
  (t) => [primaryKey({ columns: [t.meter, t.time] })],
)
const metersHypertable = hypertable(meters, {
  time: 'time',
  chunkInterval: '7 days',
  compression: { segmentBy: ['meter'], after: '30 days' },
  retention: '10 years',
})
const daily = continuousAggregate('backup_meters_daily', {
  from: metersHypertable,
  bucket: '1 day',
  groupBy: ['meter'],
  measures: { n: measure.count(), kwh: measure.sum(meters.kwh) },
  refresh: { startOffset: '30 days', endOffset: '1 day', every: '1 hour' },
})
const monthly = continuousAggregate('backup_meters_monthly', {
  from: daily,
  bucket: '1 month',
  groupBy: ['meter'],
  measures: { n: measure.count(), kwh: measure.sum(meters.kwh) },
})
const declarations = [timeSeriesHypertable, hourlyMetricsAggregate, metersHypertable, daily, monthly]
const START = Date.parse('2025-01-01T00:00:00Z')
const iso = (ms: number) => new Date(ms).toISOString()
const meterRows = ['m1', 'm2'].flatMap((meter, m) =>
  Array.from({ length: 24 * 60 }, (_, i) => ({ meter, time: iso(START + i * 3_600_000), kwh: m + (i % 13) / 4 })),
)
const records = Array.from({ length: 24 * 20 }, (_, i) => ({ entity_id: `b-${i % 3}`, time: iso(START + i * 3_600_000), value: i % 11 }))

const tsl = targets.find((t) => t.kind === 'native' && t.license === 'timescale')

/** pg_dump or pg_restore of the chroot, on the full-license server; throws with its output on failure. */
function tool(name: 'pg_dump' | 'pg_restore', args: string[]): void {
  const run = spawnSync('bash', [resolve(REPO, 'scripts/native-db-psql.sh'), ...args], {
    env: { ...process.env, TSDB_NATIVE_EDITION: 'tsl', TSDB_NATIVE_TOOL: name },
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`${name} exited ${run.status}: ${run.stderr}`)
}

/** What must be equal before and after: every row (md5 in key order), both aggregates, the jobs. */
async function snapshot(db: AnyPgDatabase) {
  const digest = async (query: string) => (await queryRows<{ md5: string | null }>(db, sql.raw(query)))[0]?.md5
  return {
    records: await digest(
      `select md5(string_agg(entity_id || time::text || value::text, ',' order by entity_id, time)) as md5 from time_series_data`,
    ),
    meters: await digest(`select md5(string_agg(meter || time::text || kwh::text, ',' order by meter, time)) as md5 from backup_meters`),
    hourly: await digest(
      `select md5(string_agg(entity_id || hour::text || data_points::text, ',' order by entity_id, hour)) as md5 from hourly_metrics`,
    ),
    daily: await digest(
      `select md5(string_agg(meter || bucket::text || n::text || kwh::text, ',' order by meter, bucket)) as md5 from backup_meters_daily`,
    ),
    monthly: await digest(
      `select md5(string_agg(meter || bucket::text || n::text || kwh::text, ',' order by meter, bucket)) as md5 from backup_meters_monthly`,
    ),
    jobs: (await listJobs(db))
      .filter((j) => j.id >= 1000)
      .map((j) => [j.procName, j.target, j.schedule, j.scheduled, JSON.stringify(j.config)])
      .sort(),
    compressed: (await listChunks(db, metersHypertable)).filter((c) => c.compressed).map((c) => c.rangeStart),
  }
}

describe.if(tsl !== undefined)('pg_dump and pg_restore with timescaledb_pre_restore/post_restore', () => {
  const source = `dts_backup_src_${createId().slice(0, 8)}`
  const restored = `dts_backup_dst_${createId().slice(0, 8)}`
  const file = `/tmp/${source}.dump`
  const adminUrl = tsl?.url as string
  let admin: postgres.Sql
  let before: Awaited<ReturnType<typeof snapshot>>
  let client: postgres.Sql
  let db: AnyPgDatabase
  beforeAll(async () => {
    admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database "${source}"`)
    const src = postgres(withDatabase(adminUrl, source), { max: 2, onnotice: () => {} })
    const srcDb = drizzle(src) as AnyPgDatabase
    await migrate(srcDb, { pauseJobs: true })
    await srcDb.execute(
      sql`create table backup_meters (meter text not null, time timestamptz not null, kwh double precision not null, primary key (meter, time))`,
    )
    await applyDeclarations(srcDb, [metersHypertable, daily, monthly])
    // Every policy paused (the scheduler would compress the newest chunks in either database while
    // the test compares them), then one left scheduled with its next start far away: restored as it was.
    await setJobsScheduled(srcDb, false)
    const [refresh] = await listJobs(srcDb, { target: daily })
    await srcDb.execute(sql`select alter_job(${refresh?.id as number}::int, scheduled => true, next_start => '2100-01-01'::timestamptz)`)
    await timescale(srcDb, metersHypertable).insertMany(meterRows)
    await insertManyRecords(srcDb, records)
    for (const a of ['hourly_metrics', 'backup_meters_daily', 'backup_meters_monthly'])
      await srcDb.execute(sql.raw(`call refresh_continuous_aggregate('${a}', null, null)`))
    await compressChunks(srcDb, metersHypertable, { olderThan: '2025-02-15T00:00:00Z' })
    before = await snapshot(srcDb)
    await src.end()

    tool('pg_dump', ['-Fc', '-d', source, '-f', file])
    await admin.unsafe(`create database "${restored}"`)
    const dst = postgres(withDatabase(adminUrl, restored), { max: 1, onnotice: () => {} })
    await dst`create extension timescaledb`
    await dst`select timescaledb_pre_restore()`
    await dst.end()
    tool('pg_restore', ['-d', restored, '--no-owner', file])
    const post = postgres(withDatabase(adminUrl, restored), { max: 1, onnotice: () => {} })
    await post`select timescaledb_post_restore()`
    await post.end()
    client = postgres(withDatabase(adminUrl, restored), { max: 4, onnotice: () => {} })
    db = drizzle(client) as AnyPgDatabase
  }, 300_000)
  afterAll(async () => {
    await client?.end()
    for (const name of [source, restored]) await admin?.unsafe(`drop database if exists "${name}" with (force)`)
    await admin?.end()
  })

  test('rows, aggregates, compressed chunks and jobs are as they were', async () => {
    const after = await snapshot(db)
    expect(before.records).toBeTruthy()
    expect(before.compressed.length).toBeGreaterThan(0)
    expect(before.jobs.length).toBe(6)
    expect(after).toEqual(before)
  })

  test('check finds no drift; the status has no problem', async () => {
    const report = await checkDrift(db, stateOf(declarations))
    expect(report.drift).toEqual([])
    expect(statusProblems(await collectStatus(db))).toEqual([])
  })

  test('the package writes into the restored compressed chunks; a refresh takes it in', async () => {
    const changed = meterRows.filter((r) => r.time.startsWith('2025-01-0')).map((r) => ({ ...r, kwh: r.kwh + 100 }))
    await timescale(db, metersHypertable).insertMany(changed)
    const [sums] = await queryRows<{ n: number; kwh: number }>(
      db,
      sql`select count(*)::int as n, sum(kwh)::float8 as kwh from backup_meters`,
    )
    expect(sums?.n).toBe(meterRows.length)
    expect(sums?.kwh).toBeCloseTo(meterRows.reduce((s, r) => s + r.kwh, 0) + 100 * changed.length, 6)
    await db.execute(sql`call refresh_continuous_aggregate('backup_meters_daily', '2025-01-01', '2025-01-11')`)
    const [day] = await queryRows<{ kwh: number }>(
      db,
      sql`select kwh::float8 as kwh from backup_meters_daily where meter = 'm1' and bucket = '2025-01-05T00:00:00Z'`,
    )
    const expected = meterRows.filter((r) => r.meter === 'm1' && r.time.startsWith('2025-01-05')).reduce((s, r) => s + r.kwh + 100, 0)
    expect(day?.kwh).toBeCloseTo(expected, 6)
  })
})
