import { type CatalogJob, readJobs } from '../catalog/read-jobs.ts'
import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { invalid } from '../validation/invalid.ts'

/**
 * The job `jobId` of this database, read afresh.
 *
 * @throws {ValidationError} field `jobId` when it is not a positive integer or no such job exists.
 */
export async function jobById(db: AnyPgDatabase, jobId: unknown): Promise<CatalogJob> {
  if (typeof jobId !== 'number' || !Number.isSafeInteger(jobId) || jobId < 1) throw invalid('jobId', 'must be a positive integer')
  const job = (await readJobs(db)).find((j) => j.id === jobId)
  if (!job) throw invalid('jobId', `${jobId} is no job of this database (listJobs lists them)`)
  return job
}
