import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../src/internal/query-rows.ts'
import type { TimeBucketResult } from '../../src/types.ts'
import { type CliTarget, openCliTarget, runCli, targets } from './cli-harness.ts'

// Each file sets it: the preload's setDefaultTimeout reaches only the first test file of a run (Bun 1.4.5).
setDefaultTimeout(60_000)

const SEED = ['seed', '--entities', '2', '--days', '2', '--interval', '10 minutes', '--seed', '7', '--end', '2024-01-16T00:00:00Z']
const RANGE = ['--from', '2024-01-15T00:00:00Z', '--to', '2024-01-16T00:00:00Z']

for (const target of targets) {
  describe(`seed and query on ${target.name}`, () => {
    let t: CliTarget
    beforeAll(async () => {
      t = await openCliTarget(target)
      // The embedded database is migrated on first use; a server only by the migrate command.
      if (target.kind === 'native') expect((await runCli(['migrate', ...t.args], t.env)).code).toBe(0)
    })
    afterAll(() => t.close())

    if (target.kind === 'native') {
      test('on a server never migrated, a command says to migrate first', async () => {
        const fresh = await openCliTarget(target)
        try {
          const run = await runCli(['query', 'temp_sensor_01', ...fresh.args], fresh.env)
          expect(run.code).toBe(1)
          expect(run.stderr).toBe(
            'drizzle-timescale: getTimeBuckets failed: relation "time_series_data" does not exist (run drizzle-timescale migrate first)\n',
          )
        } finally {
          await fresh.close()
        }
      })
    }

    test('seed writes the entities and the records of the four use cases, with progress', async () => {
      const run = await runCli([...SEED, ...t.args], t.env)
      expect(run.code).toBe(0)
      expect(run.stdout).toContain(
        '8 entities (iot, servers, apps, industrial), 2,304 records from 2024-01-14T00:10:00.000Z to 2024-01-16T00:00:00.000Z',
      )
      expect(run.stderr).toMatch(/^seed: 2,304 rows in \d+\.\d s \(\d[\d,]* rows\/s\)$/m)
      const counts = await t.withDb((db) =>
        queryRows<{ entity_type: string; entities: number; records: number }>(
          db,
          sql`select e.entity_type, count(distinct e.entity_id)::int as entities, count(*)::int as records
              from entities e join time_series_data d using (entity_id) group by 1 order by 1`,
        ),
      )
      expect(counts).toEqual([
        { entity_type: 'api', entities: 2, records: 576 },
        { entity_type: 'machine', entities: 2, records: 576 },
        { entity_type: 'sensor', entities: 2, records: 576 },
        { entity_type: 'server', entities: 2, records: 576 },
      ])
    })

    test('the values are realistic: a daily temperature cycle, CPU within 0..100, machines idle at night', async () => {
      const [row] = await t.withDb((db) =>
        queryRows<{ warm: number; cold: number; cpu_min: number; cpu_max: number; night_rpm: number; day_rpm: number; ok: number }>(
          db,
          sql`select
            avg(value) filter (where entity_id = 'temp_sensor_01' and extract(hour from time at time zone 'UTC') between 13 and 16) as warm,
            avg(value) filter (where entity_id = 'temp_sensor_01' and extract(hour from time at time zone 'UTC') between 1 and 4) as cold,
            min(value) filter (where entity_id like 'server_prod_%') as cpu_min,
            max(value) filter (where entity_id like 'server_prod_%') as cpu_max,
            max(value) filter (where entity_id like 'machine_%' and extract(hour from time at time zone 'UTC') between 23 and 23) as night_rpm,
            avg(value) filter (where entity_id like 'machine_%' and extract(hour from time at time zone 'UTC') between 8 and 12) as day_rpm,
            avg(value2) filter (where entity_id like 'api_gateway_%') as ok
          from time_series_data`,
        ),
      )
      expect(row?.warm).toBeGreaterThan((row?.cold ?? 0) + 2)
      expect(row?.cpu_min).toBeGreaterThanOrEqual(0)
      expect(row?.cpu_max).toBeLessThanOrEqual(100)
      expect(row?.night_rpm).toBe(0)
      expect(row?.day_rpm).toBeGreaterThan(1000)
      expect(row?.ok).toBeGreaterThan(0.9)
    })

    test('query prints the time buckets as a table and a sparkline', async () => {
      const run = await runCli(['query', 'temp_sensor_01', ...RANGE, ...t.args], t.env)
      expect(run.code).toBe(0)
      const lines = run.stdout.split('\n')
      expect(lines[0]).toBe('temp_sensor_01: avg(value) per 1 hour, 2024-01-15 00:00:00Z to 2024-01-16 00:00:00Z: 24 buckets, 144 records')
      expect(lines[2]).toMatch(/^bucket +avg\(value\) +records$/)
      expect(lines[3]).toMatch(/^2024-01-15 00:00:00Z +\d+\.\d\d +6$/)
      const spark = lines.find((l) => /^[▁▂▃▄▅▆▇█]+$/.test(l))
      expect(spark).toHaveLength(24)
      expect(spark).toContain('▁')
      expect(spark).toContain('█')
      expect(run.stdout).toMatch(/^min \d+\.\d\d {2}max \d+\.\d\d/m)
    })

    test('query --json, other functions and columns; seeding again with the same seed gives the same values', async () => {
      const query = ['query', 'server_prod_02', '--interval', '6 hours', '--function', 'max', '--column', 'value3', '--json', ...RANGE]
      const first = await runCli([...query, ...t.args], t.env)
      expect(first.code).toBe(0)
      const result = JSON.parse(first.stdout) as { buckets: TimeBucketResult[]; function: string; column: string }
      expect(result.function).toBe('max')
      expect(result.column).toBe('value3')
      expect(result.buckets.map((b) => b.bucket)).toEqual([
        '2024-01-15T00:00:00.000000Z',
        '2024-01-15T06:00:00.000000Z',
        '2024-01-15T12:00:00.000000Z',
        '2024-01-15T18:00:00.000000Z',
      ])
      expect(result.buckets.every((b) => b.count === 36 && typeof b.value === 'number')).toBe(true)

      expect((await runCli([...SEED, ...t.args], t.env)).code).toBe(0)
      const second = await runCli([...query, ...t.args], t.env)
      expect(JSON.parse(second.stdout).buckets).toEqual(result.buckets)
      const [row] = await t.withDb((db) => queryRows<{ n: number }>(db, sql`select count(*)::int as n from time_series_data`))
      expect(row?.n).toBe(2304)
    })

    test('query of an entity without records says so', async () => {
      const run = await runCli(['query', 'nobody', ...RANGE, ...t.args], t.env)
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/^nobody: no records from 2024-01-15T00:00:00\.000000Z to 2024-01-16T00:00:00\.000000Z in the /)
    })
  })
}
