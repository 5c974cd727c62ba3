/*
 * On a full-license server with its job scheduler running (the native TSL target), each of the
 * package's policies does its job by itself, started by TimescaleDB's scheduler, never by
 * `CALL run_job`: the schedules are shortened with alter_job and the results polled with a bound.
 * And `status --check` makes a failing job impossible to miss.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../src/internal/query-rows.ts'
import { setJobsScheduled } from '../../src/jobs/set-jobs-scheduled.ts'
import { insertManyRecords } from '../../src/repository/index.ts'
import { collectStatus } from '../../src/status/index.ts'
import { cliEnv, runCli } from '../cli/cli-harness.ts'
import { pollUntilDefined } from '../support/poll-until-defined.ts'
import { type TestDatabase, targets } from '../support/targets.ts'

const scheduled = targets.filter((t) => t.kind === 'native' && t.license === 'timescale')
const DAY = 86_400_000

function hoursAgo(h: number, minute = 0): string {
  const t = new Date(Date.now() - h * 3_600_000)
  t.setUTCMinutes(minute, 0, 0)
  return t.toISOString()
}

for (const target of scheduled) {
  describe(`policies on their own schedule on ${target.name}`, () => {
    let t: TestDatabase
    const old = new Date(Date.now() - 800 * DAY).toISOString() // past the 1-year retention
    const weekOld = new Date(Date.now() - 10 * DAY).toISOString() // past the 7-day compression
    const recent = [hoursAgo(5, 10), hoursAgo(5, 40), hoursAgo(3, 20)] // inside the refresh window (1 day to 1 hour ago)

    beforeAll(async () => {
      t = await target.open() // jobs paused in the migration: nothing runs before the data is in
      await insertManyRecords(t.db, [
        { entity_id: 'sch-a', time: old, value: 1 },
        { entity_id: 'sch-a', time: weekOld, value: 2 },
        ...recent.map((time, i) => ({ entity_id: 'sch-a', time, value: 10 + i })),
        { entity_id: 'sch-a', time: new Date().toISOString(), value: 99 },
      ])
      // Every 2 seconds from now, scheduled: the scheduler picks them up by itself.
      await queryRows(
        t.db,
        sql`select alter_job(job_id, scheduled => true, schedule_interval => interval '2 seconds', next_start => now())
            from timescaledb_information.jobs where job_id >= 1000`,
      )
    })
    afterAll(async () => {
      if (t) {
        await setJobsScheduled(t.db, false)
        await t.close()
      }
    })

    test('retention drops the chunk older than a year, and only it', async () => {
      await pollUntilDefined(
        'the 800-day-old row dropped by the retention policy',
        async () => {
          const [row] = await queryRows<{ n: number }>(
            t.db,
            sql`select count(*)::int as n from time_series_data where time < now() - interval '1 year'`,
          )
          return Number(row?.n) === 0 || undefined
        },
        60_000,
        500,
      )
      const [row] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from time_series_data`)
      expect(Number(row?.n)).toBe(5)
    }, 70_000)

    test('compression compresses the chunk older than 7 days, not the recent ones', async () => {
      await pollUntilDefined(
        'the 10-day-old chunk compressed by the compression policy',
        async () => {
          const [row] = await queryRows<{ compressed: boolean | null }>(
            t.db,
            sql`select bool_or(is_compressed) as compressed from timescaledb_information.chunks
                where hypertable_name = 'time_series_data' and range_start <= ${weekOld}::timestamptz and range_end > ${weekOld}::timestamptz`,
          )
          return row?.compressed === true || undefined
        },
        60_000,
        500,
      )
      const recentChunks = await queryRows<{ compressed: boolean }>(
        t.db,
        sql`select is_compressed as compressed from timescaledb_information.chunks
            where hypertable_name = 'time_series_data' and range_end > now() - interval '1 day'`,
      )
      expect(recentChunks.length).toBeGreaterThan(0)
      expect(recentChunks.every((c) => !c.compressed)).toBe(true)
      // The compressed row still reads back.
      const [row] = await queryRows<{ value: number }>(t.db, sql`select value from time_series_data where time = ${weekOld}::timestamptz`)
      expect(row?.value).toBe(2)
    }, 70_000)

    test('the refresh policy advances the watermark past the recent rows and materializes their hours', async () => {
      await pollUntilDefined(
        'hourly_metrics refreshed by its policy',
        async () => {
          const status = await collectStatus(t.db)
          const watermark = status.continuousAggregates[0]?.watermark
          return (watermark !== null && watermark !== undefined && watermark > (recent[2] as string)) || undefined
        },
        60_000,
        500,
      )
      const [mat] = await queryRows<{ hours: number; points: number }>(
        t.db,
        sql`select count(*)::int as hours, sum(data_points)::int as points from hourly_metrics
            where hour >= ${hoursAgo(6)}::timestamptz and hour < ${hoursAgo(2)}::timestamptz`,
      )
      expect(mat).toEqual({ hours: 2, points: 3 })
    }, 70_000)

    test('each policy ran on its schedule, successfully, with no run_job', async () => {
      // Every 2 seconds all three, so two may collide (TimescaleDB 2.29's retention and compression
      // policies can deadlock or drop a chunk under each other): wait for a moment all three last succeeded.
      let status = await collectStatus(t.db)
      await pollUntilDefined(
        'all three policies last succeeded',
        async () => {
          status = await collectStatus(t.db)
          return status.jobs.filter((j) => j.id >= 1000 && j.lastRunStatus === 'Success').length === 3 || undefined
        },
        30_000,
        500,
      )
      const policies = status.jobs.filter((j) => j.id >= 1000)
      expect(policies.map((j) => j.procedure.replace(/^.*\./, ''))).toEqual([
        'policy_compression',
        'policy_retention',
        'policy_refresh_continuous_aggregate',
      ])
      for (const job of policies) {
        expect(job.totalRuns).toBeGreaterThan(0)
        expect(job.lastRunStatus).toBe('Success')
        expect(job.lastError).toBeNull()
      }
    })
  })

  describe(`status --check on ${target.name}`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open()
    })
    afterAll(() => t?.close())

    test('a job whose last scheduled run failed: exit 4, the job and its error message in the output', async () => {
      const healthy = await runCli(['status', '--check'], cliEnv({ DATABASE_URL: t.url as string }))
      expect(healthy.code).toBe(0)
      await queryRows(
        t.db,
        sql.raw(`create procedure dts_failing_job(job_id int, config jsonb) language plpgsql as $$
          begin raise exception 'drizzle-timescale test: this job always fails'; end $$`),
      )
      const [job] = await queryRows<{ id: number }>(t.db, sql`select add_job('dts_failing_job', '1 hour', initial_start => now()) as id`)
      await pollUntilDefined(
        'the failing job run by the scheduler',
        async () => {
          const [row] = await queryRows<{ status: string | null }>(
            t.db,
            sql`select last_run_status as status from timescaledb_information.job_stats where job_id = ${job?.id}::int`,
          )
          return row?.status === 'Failed' || undefined
        },
        60_000,
        500,
      )
      const run = await runCli(['status', '--check'], cliEnv({ DATABASE_URL: t.url as string }))
      expect(run.code).toBe(4)
      expect(run.stdout).toMatch(
        new RegExp(
          `^Problems\\n {2}job ${job?.id} \\(dts_failing_job\\) failed its last run: drizzle-timescale test: this job always fails \\(SQLSTATE P0001\\)$`,
          'm',
        ),
      )
      expect(run.stdout).toMatch(
        new RegExp(
          `^ {2}job ${job?.id} error at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ: drizzle-timescale test: this job always fails$`,
          'm',
        ),
      )
      expect(run.stderr).toContain('status --check: 1 problem')
      const json = JSON.parse((await runCli(['status', '--json'], cliEnv({ DATABASE_URL: t.url as string }))).stdout) as {
        problems: string[]
      }
      expect(json.problems).toHaveLength(1)
    }, 70_000)
  })
}
