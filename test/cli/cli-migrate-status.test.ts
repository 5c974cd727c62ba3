import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../src/internal/query-rows.ts'
import type { TimescaleStatus } from '../../src/status/index.ts'
import { hasTsl } from '../support/targets.ts'
import { type CliTarget, openCliTarget, runCli, targets } from './cli-harness.ts'

// Each file sets it: the preload's setDefaultTimeout reaches only the first test file of a run (Bun 1.4.5).
setDefaultTimeout(60_000)

const PACKAGE_MIGRATIONS = '0000_timescaledb_extension, 0001_tables, 0002_hypertable, 0003_compression_retention, 0004_hourly_metrics'

/** A drizzle-kit migrations folder of a consuming project, with one migration. */
function projectFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'dts-project-'))
  mkdirSync(join(folder, 'meta'))
  writeFileSync(
    join(folder, 'meta/_journal.json'),
    JSON.stringify({
      version: '7',
      dialect: 'postgresql',
      entries: [{ idx: 0, version: '7', when: 1700000000000, tag: '0000_devices', breakpoints: true }],
    }),
  )
  writeFileSync(join(folder, '0000_devices.sql'), 'CREATE TABLE "devices" ("entity_id" text PRIMARY KEY, "site" text NOT NULL);')
  return folder
}

for (const target of targets) {
  describe(`migrate and status on ${target.name}`, () => {
    let t: CliTarget
    let project: string
    beforeAll(async () => {
      t = await openCliTarget(target)
      project = projectFolder()
    })
    afterAll(async () => {
      await t.close()
      rmSync(project, { recursive: true, force: true })
    })

    test('migrate applies the package migrations and the project folder, then prints what exists; a second run is a no-op', async () => {
      const first = await runCli(['migrate', '--folder', project, ...t.args], t.env)
      expect(first.stderr).toBe('')
      expect(first.code).toBe(0)
      expect(first.stdout).toMatch(new RegExp(`^Package migrations on the .*: applied ${PACKAGE_MIGRATIONS}$`, 'm'))
      expect(first.stdout).toContain(`Project migrations in ${project}: applied 0000_devices`)
      expect(first.stdout).toContain('Hypertable public.time_series_data: 0 chunks')
      expect(first.stdout).toContain(`license: ${target.license}`)

      const second = await runCli(['migrate', '--folder', project, ...t.args], t.env)
      expect(second.code).toBe(0)
      expect(second.stdout).toMatch(/^Package migrations on the .*: already up to date$/m)
      expect(second.stdout).toContain(`Project migrations in ${project}: already up to date`)

      const counts = await t.withDb(async (db) => {
        const [row] = await queryRows<{ ours: number; theirs: number; devices: string | null }>(
          db,
          sql`select (select count(*)::int from drizzle.__drizzle_timescale_migrations) as ours,
                     (select count(*)::int from drizzle.__drizzle_migrations) as theirs,
                     to_regclass('devices')::text as devices`,
        )
        return row
      })
      expect(counts).toEqual({ ours: 5, theirs: 1, devices: 'devices' })
    })

    test('status prints hypertables, continuous aggregates and jobs as tables', async () => {
      const run = await runCli(['status', ...t.args], t.env)
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(new RegExp(`^TimescaleDB \\S+ \\(license: ${target.license}\\) on PostgreSQL`))
      expect(run.stdout).toMatch(/^ {2}hypertable +chunk interval +chunks +compressed +size +before +after +ratio$/m)
      expect(run.stdout).toMatch(/^ {2}public\.time_series_data +1 day +0 /m)
      expect(run.stdout).toMatch(/^Jobs$/m)
      if (target.license === 'timescale') {
        expect(run.stdout).toMatch(
          /^ {2}public\.hourly_metrics +time_series_data +real-time +never refreshed +- +job 1002: 1 day to 01:00:00 ago, every 01:00:00$/m,
        )
        // The embedded database has no scheduler; a native server's may have run the job already.
        const run1000 =
          target.kind === 'embedded'
            ? '- +never ran +0\\/0'
            : '(- +never ran +0\\/0|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +Success +1\\/0)'
        expect(run.stdout).toMatch(new RegExp(`^ +1000 +policy_compression +public\\.time_series_data +12:00:00 +${run1000}`, 'm'))
      } else {
        expect(run.stdout).toContain('Apache edition: no compression, continuous aggregates or policies')
      }
    })

    test('status --json is one JSON object with the same facts', async () => {
      const run = await runCli(['status', '--json', ...t.args], t.env)
      expect(run.code).toBe(0)
      const status = JSON.parse(run.stdout) as TimescaleStatus & { kind: string; database: string; problems: string[] }
      expect(status.kind).toBe(target.kind === 'embedded' ? 'embedded' : 'server')
      expect(status.license).toBe(target.license)
      expect(status.timescaledbVersion).toMatch(/^2\.\d+/)
      expect(status.collectedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
      const [h] = status.hypertables
      expect(h).toMatchObject({
        schema: 'public',
        name: 'time_series_data',
        chunkInterval: '1 day',
        hashPartitions: 4,
        chunks: 0,
        compressedChunks: 0,
      })
      expect(h?.totalBytes).toBeGreaterThan(0)
      expect(h?.compression).toEqual({ enabled: target.license === 'timescale', beforeBytes: null, afterBytes: null, ratio: null })
      const policies = status.jobs.filter((j) => j.id >= 1000).map((j) => j.procedure.replace(/^.*\./, ''))
      if (target.license === 'timescale') {
        expect(policies).toEqual(['policy_compression', 'policy_retention', 'policy_refresh_continuous_aggregate'])
        expect(status.continuousAggregates).toEqual([
          {
            schema: 'public',
            name: 'hourly_metrics',
            hypertable: 'time_series_data',
            materializedOnly: false,
            readable: true,
            watermark: null,
            lagSeconds: null,
            refreshPolicy: { jobId: 1002, startOffset: '1 day', endOffset: '01:00:00', scheduleInterval: '01:00:00' },
            lagLimitSeconds: 4 * 3600,
            behind: false,
          },
        ])
        expect(status.problems).toEqual([])
      } else {
        expect(policies).toEqual([])
        expect(status.continuousAggregates).toEqual([])
      }
      for (const job of status.jobs) expect(job).toHaveProperty('lastRunStatus')
    })

    test.if(hasTsl(target))('status shows the compression ratio, the watermark and lag, and a job run', async () => {
      await t.withDb(async (db) => {
        await db.execute(sql`insert into time_series_data (entity_id, time, value, value2)
          select 'st-' || (i % 4), now() - interval '30 days' + make_interval(mins => i), random() * 100, i % 7
          from generate_series(0, 20000) i`)
        await db.execute(sql`select compress_chunk(c) from show_chunks('time_series_data') c`)
        await db.execute(sql`call refresh_continuous_aggregate('hourly_metrics', null, now() - interval '28 days')`)
        await db.execute(sql`call run_job(1001)`)
      })
      const run = await runCli(['status', '--json', ...t.args], t.env)
      expect(run.code).toBe(0)
      const status = JSON.parse(run.stdout) as TimescaleStatus
      const h = status.hypertables[0]
      expect(h?.compressedChunks).toBe(h?.chunks)
      expect(h?.compression.beforeBytes).toBeGreaterThan(h?.compression.afterBytes ?? Number.POSITIVE_INFINITY)
      expect(h?.compression.ratio).toBeGreaterThan(1)
      const cagg = status.continuousAggregates[0]
      expect(cagg?.watermark).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000000Z$/)
      // Refreshed up to 28 days ago: the lag is about 28 days.
      expect(cagg?.lagSeconds).toBeGreaterThan(27 * 86_400)
      expect(cagg?.lagSeconds).toBeLessThan(29 * 86_400)
      const human = await runCli(['status', ...t.args], t.env)
      expect(human.stdout).toMatch(/public\.time_series_data +1 day +\d+ +\d+ +\d+ \S+ +\d+ \S+ +\d+ \S+ +\d+\.\dx/)
      expect(human.stdout).toMatch(/public\.hourly_metrics +time_series_data +real-time +\d{4}-\d{2}-\d{2} \d{2}:00:00Z +2[789] d/)
    })
  })
}
