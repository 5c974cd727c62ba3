import { getTableName } from 'drizzle-orm'
import { getMaterializedViewConfig } from 'drizzle-orm/pg-core'
import { readContinuousAggregates } from '../catalog/read-continuous-aggregates.ts'
import { type CatalogJob, readJobs } from '../catalog/read-jobs.ts'
import type { AnyPgDatabase } from '../internal/any-pg-database.ts'
import { hourlyMetrics } from '../schema/hourly-metrics.ts'
import { timeSeriesData } from '../schema/time-series-data.ts'

/** One of the package's policies as TimescaleDB's job holds it. */
export interface PolicyJob {
  jobId: number
  /** Whether the scheduler runs it (`false`: paused, e.g. by `migrate(db, { pauseJobs: true })`). */
  scheduled: boolean
  schedule: string
}

/** The package's three policies, each `null` when it does not exist. */
export interface Policies {
  /** `add_retention_policy` on time_series_data: chunks older than `dropAfter` are dropped. */
  retention: (PolicyJob & { dropAfter: string }) | null
  /** `add_compression_policy` on time_series_data: chunks older than `compressAfter` are compressed. */
  compression: (PolicyJob & { compressAfter: string }) | null
  /** `add_continuous_aggregate_policy` on hourly_metrics: the window `[now - startOffset, now - endOffset)` is refreshed. */
  refresh: (PolicyJob & { startOffset: string | null; endOffset: string | null }) | null
}

const TABLE = getTableName(timeSeriesData)
/** The package's continuous aggregate: `hourly_metrics`. */
export const AGGREGATE = getMaterializedViewConfig(hourlyMetrics).name

/**
 * The package's policies among TimescaleDB's jobs (a pure reading of {@link readJobs}' answer and
 * of the refresh job's id, which `readContinuousAggregates` finds): which exist, their parameters
 * as the job's config holds them, and whether they are scheduled.
 *
 * @example
 * ```ts
 * policiesOf(await readJobs(db), refreshJobId).retention?.dropAfter // '1 year'
 * ```
 */
export function policiesOf(jobs: readonly CatalogJob[], refreshJobId: number | null): Policies {
  const on = (proc: string, target: (j: CatalogJob) => boolean) => jobs.find((j) => j.procName === proc && target(j))
  const onTable = (j: CatalogJob) => j.target?.split('.').at(-1) === TABLE
  const retention = on('policy_retention', onTable)
  const compression = on('policy_compression', onTable)
  const refresh = jobs.find((j) => j.id === refreshJobId)
  const base = (j: CatalogJob): PolicyJob => ({ jobId: j.id, scheduled: j.scheduled, schedule: j.schedule })
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v))
  return {
    retention: retention ? { ...base(retention), dropAfter: String(text(retention.config?.drop_after)) } : null,
    compression: compression ? { ...base(compression), compressAfter: String(text(compression.config?.compress_after)) } : null,
    refresh: refresh
      ? { ...base(refresh), startOffset: text(refresh.config?.start_offset), endOffset: text(refresh.config?.end_offset) }
      : null,
  }
}

/**
 * Reads the package's policies from TimescaleDB's jobs.
 *
 * @example
 * ```ts
 * const { retention, compression, refresh } = await readPolicies(db)
 * ```
 */
export async function readPolicies(db: AnyPgDatabase): Promise<Policies> {
  const [jobs, aggregates] = await Promise.all([readJobs(db), readContinuousAggregates(db)])
  return policiesOf(jobs, aggregates.find((a) => a.name === AGGREGATE)?.refreshPolicy?.jobId ?? null)
}
