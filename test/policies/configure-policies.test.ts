/*
 * configurePolicies on every target: on the full-license ones it replaces the package's policies
 * (checked in timescaledb_information.jobs, and by what the retention job then drops), is
 * idempotent, keeps a paused job paused, removes a policy on null, and refuses bad input naming the
 * field; on the Apache edition it answers FEATURE_NOT_LICENSED with the cure. The CLI's `policies`
 * shows and sets the same, `status` shows them, and `import` warns about rows past the horizon.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { ErrorCodes, QueryError, ValidationError } from '../../src/errors.ts'
import { queryRows } from '../../src/internal/query-rows.ts'
import { configurePolicies, readPolicies } from '../../src/policies/index.ts'
import { insertManyRecords } from '../../src/repository/index.ts'
import { type CliTarget, openCliTarget, runCli } from '../cli/cli-harness.ts'
import { hasTsl, type TestDatabase, targets } from '../support/targets.ts'

const DAY = 86_400_000

for (const target of targets) {
  describe(`configurePolicies on ${target.name}`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open()
    }, 60_000)
    afterAll(() => t?.close(), 60_000)

    const jobs = async () =>
      (
        await queryRows<{ proc: string; config: Record<string, unknown> | string; schedule: string; scheduled: boolean; id: number }>(
          t.db,
          sql`select proc_name as proc, config, schedule_interval::text as schedule, scheduled, job_id::int as id
              from timescaledb_information.jobs where job_id >= 1000 order by proc_name`,
        )
      ).map((j) => ({ ...j, config: typeof j.config === 'string' ? JSON.parse(j.config) : j.config }))

    test.if(!hasTsl(target))('Apache edition: FEATURE_NOT_LICENSED with the cure; asking nothing is no error', async () => {
      const error = await configurePolicies(t.db, { retention: '2 years' }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(QueryError)
      expect((error as QueryError).code).toBe(ErrorCodes.LICENSE)
      expect((error as QueryError).message).toContain("drop_chunks('time_series_data'")
      expect(await configurePolicies(t.db, {})).toEqual({ changed: [], policies: { retention: null, compression: null, refresh: null } })
    })

    test.if(hasTsl(target))(
      'the defaults of the migrations, then new ones: the jobs hold them; the same call again changes nothing',
      async () => {
        const before = await readPolicies(t.db)
        expect(before.retention?.dropAfter).toBe('1 year')
        expect(before.compression?.compressAfter).toBe('7 days')
        expect(before.refresh).toMatchObject({ startOffset: '1 day', endOffset: '01:00:00', schedule: '01:00:00' })
        const wasScheduled = before.retention?.scheduled
        const asked = {
          retention: '2 years',
          compressAfter: '30 days',
          refresh: { startOffset: '2 days', endOffset: '2 hours', scheduleInterval: '30 minutes' },
        }
        const first = await configurePolicies(t.db, asked)
        expect(first.changed).toEqual(['retention', 'compression', 'refresh'])
        const now = await jobs()
        expect(now.map((j) => [j.proc, j.config.drop_after ?? j.config.compress_after ?? j.config.start_offset, j.schedule])).toEqual([
          ['policy_compression', '30 days', '12:00:00'],
          ['policy_refresh_continuous_aggregate', '2 days', '00:30:00'],
          ['policy_retention', '2 years', '1 day'],
        ])
        expect(now.find((j) => j.proc === 'policy_refresh_continuous_aggregate')?.config.end_offset).toBe('02:00:00')
        // A paused job (native targets pause them for the tests) stays paused; a scheduled one stays scheduled.
        expect(new Set(now.map((j) => j.scheduled))).toEqual(new Set([wasScheduled === true]))
        // Equal intervals written otherwise: nothing to do, the same jobs.
        const again = await configurePolicies(t.db, { ...asked, retention: '24 months' })
        expect(again.changed).toEqual([])
        expect((await jobs()).map((j) => j.id)).toEqual(now.map((j) => j.id))
      },
    )

    test.if(hasTsl(target))('the retention job then drops what is older than the new horizon, and only that', async () => {
      await configurePolicies(t.db, { retention: '2 years' })
      const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString()
      await insertManyRecords(t.db, [
        { entity_id: 'pol-1', time: ago(400), value: 1 },
        { entity_id: 'pol-1', time: ago(900), value: 2 },
      ])
      const { retention } = await readPolicies(t.db)
      await t.db.execute(sql`call run_job(${retention?.jobId}::int)`)
      const rows = await queryRows<{ value: number }>(t.db, sql`select value from time_series_data where entity_id = 'pol-1'`)
      // Under the default of 1 year the 400-day-old row would be gone too.
      expect(rows.map((r) => r.value)).toEqual([1])
    })

    test.if(hasTsl(target))('null removes a policy; bad input names its field and changes nothing', async () => {
      const removed = await configurePolicies(t.db, { retention: null, refresh: null })
      expect(removed.changed).toEqual(['retention', 'refresh'])
      expect(removed.policies.retention).toBeNull()
      expect(removed.policies.refresh).toBeNull()
      expect((await jobs()).map((j) => j.proc)).toEqual(['policy_compression'])
      for (const [options, field] of [
        [{ retention: 'forever' }, 'retention'],
        [{ compressAfter: 30 }, 'compressAfter'],
        [{ refresh: { endOffset: '1 fortnight' } }, 'refresh.endOffset'],
        [{ refresh: { startOffset: '1 hour', endOffset: '1 hour' } }, 'refresh'],
        [{ retain: '1 year' }, 'retain'],
      ] as const) {
        const error = await configurePolicies(t.db, options as never).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect({ field, error: error instanceof ValidationError, got: (error as ValidationError).details?.field }).toEqual({
          field,
          error: true,
          got: field,
        })
      }
      expect((await jobs()).map((j) => j.proc)).toEqual(['policy_compression'])
      // And back to the migrations' defaults (compression was at 30 days since the first test).
      const back = await configurePolicies(t.db, { retention: '1 year', compressAfter: '7 days', refresh: {} })
      expect(back.changed).toEqual(['retention', 'compression', 'refresh'])
      expect(back.policies.refresh).toMatchObject({ startOffset: '1 day', endOffset: '01:00:00', schedule: '01:00:00' })
    })
  })

  describe(`drizzle-timescale policies, status and the import warning on ${target.name}`, () => {
    let cli: CliTarget
    const folder = mkdtempSync(join(tmpdir(), 'dts-policies-'))
    beforeAll(async () => {
      cli = await openCliTarget(target, { migrated: true })
    }, 60_000)
    afterAll(async () => {
      await cli?.close()
      rmSync(folder, { recursive: true, force: true })
    })

    test.if(hasTsl(target))('shown, set, set again (nothing changed), and in status', async () => {
      const shown = await runCli(['policies', ...cli.args], cli.env)
      expect(shown.code).toBe(0)
      expect(shown.stdout).toContain('retention    chunks of time_series_data older than 1 year are dropped (job ')
      const set = await runCli(
        ['policies', '--retention', '3 years', '--compress-after', 'none', '--refresh-every', '30 minutes', ...cli.args],
        cli.env,
      )
      expect(set.code).toBe(0)
      expect(set.stdout).toContain('(changed: retention, compression, refresh)')
      expect(set.stdout).toContain('compression  no policy: chunks are compressed only by hand')
      const again = await runCli(
        ['policies', '--retention', '36 months', '--compress-after', 'none', '--refresh-every', '30 min', ...cli.args],
        cli.env,
      )
      expect(again.stdout).toContain('(already as asked, nothing changed)')
      const status = await runCli(['status', ...cli.args], cli.env)
      expect(status.stdout).toContain('Policies (change them with drizzle-timescale policies)')
      expect(status.stdout).toContain('older than 3 years are dropped')
      const bad = await runCli(['policies', '--retention', 'forever', ...cli.args], cli.env)
      expect(bad.code).toBe(1)
      expect(bad.stderr).toContain("retention must be '<positive integer> <unit>' pairs")
    })

    test.if(!hasTsl(target))('the Apache edition: a clear answer, exit 1', async () => {
      const run = await runCli(['policies', '--retention', '2 years', ...cli.args], cli.env)
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('need the Timescale license')
    })

    test.if(hasTsl(target))('import warns on stderr, before writing, about rows older than the retention horizon', async () => {
      expect((await runCli(['policies', '--retention', '1 year', ...cli.args], cli.env)).code).toBe(0)
      const file = join(folder, 'old.csv')
      const old = new Date(Date.now() - 800 * DAY).toISOString()
      const recent = new Date(Date.now() - 2 * DAY).toISOString()
      writeFileSync(file, `entity_id,time,value\npw-1,${recent},1\npw-1,${old},2\npw-1,${old.replace(/\.\d+Z$/, '.5Z')},3\n`)
      const run = await runCli(['import', file, ...cli.args], cli.env)
      expect(run.code).toBe(0)
      expect(run.stderr).toContain('warning: line 3: rows older than ')
      expect(run.stderr).toContain('the retention horizon (policy: 1 year, job ')
      expect(run.stderr).toContain('warning: 2 rows written are older than the retention horizon (1 year) and will be dropped')
      // Without a retention policy there is nothing to warn about.
      expect((await runCli(['policies', '--retention', 'none', ...cli.args], cli.env)).code).toBe(0)
      const quiet = await runCli(['import', file, ...cli.args], cli.env)
      expect(quiet.stderr).not.toContain('warning')
    })
  })
}
