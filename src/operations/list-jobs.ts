import { type CatalogJob, readJobs } from '../catalog/read-jobs.ts'
import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { type RelationRef, relationName } from './relation-name.ts'

/**
 * Lists the background jobs of the database (TimescaleDB's own, the policies, your `add_job`
 * jobs): what each works on, its schedule, its last run and result, its next start and its newest
 * error since its last success (`job_errors`). With `target`, only the jobs of that hypertable or
 * continuous aggregate (a refresh policy is the aggregate's).
 *
 * @example
 * ```ts
 * const failing = (await listJobs(db)).filter((j) => j.lastRunStatus === 'Failed')
 * const [compression] = await listJobs(db, { target: readingsHypertable })
 * ```
 * @see https://docs.timescale.com/api/latest/informational-views/jobs/
 */
export async function listJobs(db: AnyPgDatabase, options: { target?: RelationRef } = {}): Promise<CatalogJob[]> {
  const jobs = await readJobs(db)
  if (options.target === undefined) return jobs
  const { schema, name } = relationName(options.target, 'target')
  return jobs.filter((j) => j.target === `${schema}.${name}`)
}
