import { type SQL, sql } from 'drizzle-orm'
import type { CatalogJob } from '../catalog/read-jobs.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { invalid, isPlainObject } from '../validation/invalid.ts'
import { validateInterval } from '../validation/validate-interval.ts'
import { validateBoolean } from '../validation/validate-options.ts'
import { validateTime } from '../validation/validate-time.ts'
import { jobById } from './job-by-id.ts'

/** What `alterJob` changes; what is left out stays. */
export interface JobChanges {
  /** `false` pauses the job (the scheduler skips it), `true` resumes it. */
  scheduled?: boolean
  /** How often it runs: `'1 hour'`. */
  scheduleInterval?: string
  /** When it runs next (a `Date` or ISO 8601 text with an offset). */
  nextStart?: Date | string
}

/**
 * Pauses, resumes or reschedules a job (`alter_job`) and returns it as it is now. Idempotent.
 * `setJobsScheduled` pauses or resumes every job at once.
 *
 * @throws {ValidationError} field `jobId` when no such job exists; `changes` when nothing is asked,
 *   `scheduleInterval`/`nextStart`/`scheduled` for a bad value.
 * @example
 * ```ts
 * await alterJob(db, job.id, { scheduled: false })             // pause during a migration
 * await alterJob(db, job.id, { scheduled: true, nextStart: new Date() })
 * await alterJob(db, job.id, { scheduleInterval: '30 minutes' })
 * ```
 * @see https://docs.timescale.com/api/latest/jobs-automation/alter_job/
 */
export async function alterJob(db: AnyPgDatabase, jobId: number, changes: JobChanges): Promise<CatalogJob> {
  if (!isPlainObject(changes)) throw invalid('changes', 'must be an object')
  const args: SQL[] = []
  const scheduled = validateBoolean(changes.scheduled, 'scheduled')
  if (scheduled !== undefined) args.push(sql`scheduled => ${scheduled}::boolean`)
  if (changes.scheduleInterval !== undefined) {
    args.push(sql`schedule_interval => ${validateInterval(changes.scheduleInterval, 'scheduleInterval').text}::interval`)
  }
  if (changes.nextStart !== undefined) args.push(sql`next_start => ${validateTime(changes.nextStart, 'nextStart')}::timestamptz`)
  if (args.length === 0) throw invalid('changes', 'must name scheduled, scheduleInterval or nextStart')
  const job = await jobById(db, jobId)
  try {
    await queryRows(db, sql`select alter_job(${job.id}::int, ${sql.join(args, sql`, `)})`)
  } catch (error) {
    throw toTimescaleError(error, { operation: `alterJob (${job.id}, ${job.name})` })
  }
  return jobById(db, job.id)
}
