import { sql } from 'drizzle-orm'
import type { CatalogJob } from '../catalog/read-jobs.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { jobById } from './job-by-id.ts'

/**
 * Runs a job now, in this session (`CALL run_job`), and waits for it: a compression, retention or
 * refresh policy, or a job of your own. Its schedule is unchanged. A job that fails throws its
 * error, mapped (a policy's lock-table exhaustion is `SERVER_LIMIT` with its cure); a foreground
 * run is not counted in the job's statistics.
 *
 * @throws {ValidationError} field `jobId` when no such job exists.
 * @throws {QueryError} what the job raised.
 * @example
 * ```ts
 * const [policy] = await listJobs(db, { target: readingsHypertable })
 * if (policy) console.log(`ran in ${(await runJob(db, policy.id)).durationMs} ms`)
 * ```
 * @see https://docs.timescale.com/api/latest/jobs-automation/run_job/
 */
export async function runJob(db: AnyPgDatabase, jobId: number): Promise<{ job: CatalogJob; durationMs: number }> {
  const job = await jobById(db, jobId)
  const started = performance.now()
  try {
    await queryRows(db, sql`call run_job(${job.id}::int)`)
  } catch (error) {
    throw toTimescaleError(error, { operation: `runJob (${job.id}, ${job.name})` })
  }
  return { job: await jobById(db, job.id), durationMs: performance.now() - started }
}
