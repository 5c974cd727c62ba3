/*
 * The toolkit from a project's side, on every target: drizzle-kit generate creates the table,
 * `drizzle-timescale generate` its hypertable, columnstore, retention and a two-level aggregate;
 * drizzle's own migrator applies the folder; `check` finds no drift; the daily aggregate read
 * through Drizzle equals the raw rows' numbers; one changed setting makes one small migration;
 * a change by hand is drift, and `check` exits 4 with a readable line.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { asc, sql } from 'drizzle-orm'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgresJs } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { checkDrift, loadDeclarations } from '../../src/toolkit/index.ts'
import { cliEnv, runCli } from '../cli/cli-harness.ts'
import { targets } from '../support/targets.ts'
import { daily, readings } from './device-schema.ts'
import { scratchProject } from './scratch-project.ts'

const project = scratchProject({ chunkInterval: '1 day', retention: '2 years' })
let v2Schema = ''
const files = () =>
  readdirSync(project.migrations)
    .filter((f) => f.endsWith('.sql'))
    .sort()

beforeAll(async () => {
  await project.drizzleKitGenerate()
})
afterAll(() => project.close())

describe('generate', () => {
  test("writes one custom migration after drizzle-kit's, then nothing until a declaration changes; drizzle-kit sees no change", async () => {
    const first = await project.generate()
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/0001_timescale\.sql: 6 statements/)
    const sqlText = readFileSync(join(project.migrations, '0001_timescale.sql'), 'utf8')
    expect(sqlText).toContain(`SELECT create_hypertable('"public"."device_readings"', by_range('time', INTERVAL '1 day')`)
    expect(sqlText).toContain('WITH NO DATA')
    expect(sqlText).toContain('CALL add_columnstore_policy(\'"public"."device_readings"\', after => INTERVAL \'7 days\'')
    const journal = JSON.parse(readFileSync(join(project.migrations, 'meta/_journal.json'), 'utf8'))
    expect(journal.entries.map((e: { tag: string }) => e.tag).slice(1)).toEqual(['0001_timescale'])
    const again = await project.generate()
    expect(again.stdout).toContain('No TimescaleDB changes')
    expect(files()).toHaveLength(2)
    expect(await project.drizzleKitGenerate()).toContain('No schema changes')
  })

  test('a folder without drizzle-kit migrations is refused with the cure, and nothing is written', async () => {
    const run = await project.generate(['--out', './no-migrations-yet'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('has no drizzle-kit migrations')
    expect(run.stderr).toContain('run drizzle-kit generate first')
    expect(readdirSync(project.dir)).not.toContain('no-migrations-yet')
  })

  test('one changed setting is one small migration: set_chunk_time_interval and the retention replaced', async () => {
    v2Schema = project.change({ chunkInterval: '2 days', retention: '3 years' }, 'schema-v2.ts')
    const run = await project.generate(['--name', 'longer_retention'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('0002_longer_retention.sql: 2 statements')
    const text = readFileSync(join(project.migrations, '0002_longer_retention.sql'), 'utf8')
    expect(text).toContain(`SELECT set_chunk_time_interval('"public"."device_readings"', INTERVAL '2 days');`)
    expect(text).toContain('PERFORM remove_retention_policy')
    expect(text).toContain("drop_after => INTERVAL '3 years'")
    expect(text).not.toContain('create_hypertable')
    expect(text).not.toContain('MATERIALIZED VIEW')
  })
})

for (const target of targets) {
  describe(`migrated and checked on ${target.name}`, () => {
    const licensed = target.license === 'timescale'
    let db: AnyPgDatabase
    let close: () => Promise<void>
    let url: string | undefined
    const apply = async () => {
      if (url) {
        const client = postgres(url, { max: 1, onnotice: () => {} })
        try {
          await migratePostgresJs(drizzle(client), { migrationsFolder: project.migrations })
        } finally {
          await client.end()
        }
      } else await migratePglite(db as never, { migrationsFolder: project.migrations })
    }

    beforeAll(async () => {
      const t = await target.open()
      db = t.db as AnyPgDatabase
      close = t.close
      url = t.url
    })
    afterAll(() => close())

    test('drizzle migrates the generated folder; no drift from the declarations; the daily aggregate is exact', async () => {
      await apply()
      const report = await checkDrift(db, await loadDeclarations([v2Schema]))
      expect(report.drift).toEqual([])
      if (!licensed) {
        expect(report.notChecked).toHaveLength(3)
        const [row] = (await db.execute(sql`select to_regclass('device_readings_daily') as v`)) as unknown as { v: unknown }[] & {
          rows?: unknown
        }
        expect(row ? row.v : null).toBeNull()
        return
      }
      expect(report.notChecked).toEqual([])
      // Recent rows (from 3 days ago): the generated retention and columnstore policies run on a
      // server whose scheduler runs, and would drop older ones while the test reads them.
      await db.execute(sql`insert into device_readings
        select 'd' || (i % 3), date_trunc('day', now()) - interval '3 days' + i * interval '2 minutes',
               case when i % 11 = 0 then null else (i % 97) / 4.0 end, 100 - i % 50
        from generate_series(0, 1999) i`)
      for (const view of ['device_readings_hourly', 'device_readings_daily']) {
        await db.execute(sql.raw(`call refresh_continuous_aggregate('${view}', null, null)`))
      }
      const rows = await db.select().from(daily.view).orderBy(asc(daily.view.bucket), asc(daily.view.deviceId))
      const raw = await db
        .select({
          day: sql<string>`date_trunc('day', ${readings.time} at time zone 'UTC')::text`,
          device: readings.deviceId,
          avg: sql<number>`avg(${readings.temperature})::float8`,
          max: sql<number>`max(${readings.temperature})`,
          n: sql<number>`count(*)::int`,
        })
        .from(readings)
        .groupBy(sql`1`, readings.deviceId)
        .orderBy(sql`1`, readings.deviceId)
      expect(rows.length).toBe(raw.length)
      expect(rows.length).toBeGreaterThan(6)
      rows.forEach((row, i) => {
        const want = raw[i] as (typeof raw)[number]
        expect(row.deviceId).toBe(want.device)
        expect(row.readings).toBe(want.n)
        expect(row.max_temp).toBe(Number(want.max))
        expect(row.avg_temp as number).toBeCloseTo(Number(want.avg), 9)
      })
    })

    test('a change by hand is drift: check names it and exits 4', async () => {
      await db.execute(sql`select set_chunk_time_interval('device_readings', interval '5 days')`)
      if (licensed) await db.execute(sql`select remove_retention_policy('device_readings')`)
      const report = await checkDrift(db, await loadDeclarations([v2Schema]))
      const seen = report.drift.map((d) => `${d.object}: ${d.what} is ${d.actual}, declared ${d.declared}`)
      expect(seen).toContain('public.device_readings: chunk interval is 5 days, declared 2 days')
      if (licensed) expect(seen).toContain('public.device_readings: retention is none, declared 3 years')
      if (url) {
        const run = await runCli(['check'], cliEnv({ DATABASE_URL: url }), project.dir)
        expect(run.code).toBe(4)
        expect(run.stdout).toContain('  public.device_readings: chunk interval is 5 days, declared 2 days')
      }
    })

    if (licensed) {
      test('a redefined aggregate is drift too (definitions compared as PostgreSQL deparses them)', async () => {
        await db.execute(sql`drop materialized view device_readings_daily`)
        await db.execute(sql`create materialized view device_readings_daily with (timescaledb.continuous, timescaledb.materialized_only = true) as
          select time_bucket('1 day', bucket) as bucket, device_id, max(max_temp) as avg_temp, max(max_temp) as max_temp, sum(readings)::bigint as readings
          from device_readings_hourly group by 1, 2 with no data`)
        const report = await checkDrift(db, await loadDeclarations([v2Schema]))
        // The same name, real-time setting and columns, another definition (and no refresh policy).
        expect(report.drift.filter((d) => d.object === 'public.device_readings_daily').map((d) => d.what)).toEqual([
          'refresh policy',
          'definition',
        ])
      })
    }
  })
}
