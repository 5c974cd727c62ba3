import type { CatalogJob } from '../catalog/index.ts'
import type { Policies } from '../policies/read-policies.ts'

/** A hypertable: chunks, chunk interval, size, and compression before/after. */
export interface HypertableStatus {
  schema: string
  name: string
  /** Chunk interval of the time dimension, as PostgreSQL prints it (`1 day`). */
  chunkInterval: string | null
  /** Hash partitions of the space dimension, if any. */
  hashPartitions: number | null
  chunks: number
  compressedChunks: number
  /** Everything the hypertable takes on disk now: tables, indexes, TOAST (`hypertable_detailed_size`). */
  totalBytes: number | null
  compression: {
    enabled: boolean
    /** Size of the compressed chunks before compression; `null` when none is compressed or the edition has no compression. */
    beforeBytes: number | null
    /** Size of the compressed chunks after compression. */
    afterBytes: number | null
    /** `beforeBytes / afterBytes`, e.g. `8.4` for 8.4x smaller. */
    ratio: number | null
  }
}

/** A continuous aggregate and how far its materialization lags behind. */
export interface ContinuousAggregateStatus {
  schema: string
  name: string
  hypertable: string
  materializedOnly: boolean
  /** Whether this role may read it (SELECT on the aggregate and its hypertable); without, no watermark, lag or `behind`. */
  readable: boolean
  /** End of the materialized data (ISO 8601 UTC); `null` when it was never refreshed (or is not readable). */
  watermark: string | null
  /** `now() - watermark` in seconds; `null` when never refreshed. */
  lagSeconds: number | null
  /** The refresh policy, as its job's config holds it, or `null` without one. */
  refreshPolicy: { jobId: number; startOffset: string | null; endOffset: string | null; scheduleInterval: string } | null
  /**
   * How old a row may be and still wait for the refresh policy: `end_offset + 3 x schedule_interval`
   * (a refresh materializes up to end_offset ago, and the next comes a schedule later); `null`
   * without a policy.
   */
  lagLimitSeconds: number | null
  /**
   * Rows inside the policy's window and older than {@link lagLimitSeconds} are not materialized:
   * the policy is not keeping up (a quiet table whose watermark stands still is not behind).
   * `null` without a policy.
   */
  behind: boolean | null
}

/**
 * A TimescaleDB background job, with its last run (`timescaledb_information.job_stats`) and its
 * newest error after the last success (`job_errors`): the catalog's job, its function as one name.
 */
export interface JobStatus extends Omit<CatalogJob, 'procSchema' | 'procName'> {
  /** `schema.function` the job calls, e.g. `_timescaledb_functions.policy_compression`. */
  procedure: string
}

/** Everything `drizzle-timescale status` shows, as data (what `--json` prints). */
export interface TimescaleStatus {
  postgresVersion: string
  timescaledbVersion: string | null
  license: string | null
  hypertables: HypertableStatus[]
  continuousAggregates: ContinuousAggregateStatus[]
  jobs: JobStatus[]
  /** The package's retention, compression and refresh policies (set with `configurePolicies`). */
  policies: Policies
  /** The server's `now()` when the status was read (ISO 8601 UTC). */
  collectedAt: string
  /** The role the status was read as. */
  user: string
  /** What this role cannot see (e.g. the errors of jobs it does not own), one sentence each. */
  notes: string[]
}
