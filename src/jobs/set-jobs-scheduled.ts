import { sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'

/**
 * Pauses (or, with `scheduled: true`, resumes) every user-defined TimescaleDB job of the
 * database: the package's compression, retention and aggregate-refresh policies and any of your
 * own (`job_id >= 1000`; TimescaleDB's built-in jobs are left alone). On a server whose job
 * scheduler runs, a test that writes rows dated in the past would otherwise see the 1-year
 * retention policy drop them and the 7-day compression policy compress them while it runs.
 * Returns the ids of the jobs it changed: none on the Apache edition, which has no policies. (The
 * embedded database has no scheduler: its jobs run only when called with `CALL run_job(id)`.)
 *
 * @example
 * ```ts
 * import { migrate } from 'drizzle-timescale/migrate'
 * import { setJobsScheduled } from 'drizzle-timescale'
 *
 * await migrate(db)
 * await setJobsScheduled(db, false) // this test owns its data and its time
 * ```
 * @see https://docs.timescale.com/api/latest/jobs-automation/alter_job/
 */
export async function setJobsScheduled(db: AnyPgDatabase, scheduled: boolean): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`with j as materialized (select job_id from timescaledb_information.jobs
          where job_id >= 1000 and scheduled <> ${scheduled}::boolean)
        select j.job_id::int as id from j, lateral alter_job(j.job_id, scheduled => ${scheduled}::boolean) a order by 1`,
  )
  return rows.map((r) => Number(r.id))
}
