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
  /** End of the materialized data (ISO 8601 UTC); `null` when it was never refreshed. */
  watermark: string | null
  /** `now() - watermark` in seconds; `null` when never refreshed. */
  lagSeconds: number | null
}

/** A TimescaleDB background job, with its last run (`timescaledb_information.job_stats`). */
export interface JobStatus {
  id: number
  name: string
  /** `schema.function` the job calls, e.g. `_timescaledb_functions.policy_compression`. */
  procedure: string
  /** The hypertable or continuous aggregate it works on, or `null`. */
  target: string | null
  schedule: string
  scheduled: boolean
  config: Record<string, unknown> | null
  lastRunStartedAt: string | null
  lastSuccessfulFinish: string | null
  /** `Success`, `Failed`, or `null` when it never ran. */
  lastRunStatus: string | null
  /** `Scheduled`, `Running`, `Paused`, or `null`. */
  jobStatus: string | null
  totalRuns: number
  totalFailures: number
  nextStart: string | null
}

/** Everything `drizzle-timescale status` shows, as data (what `--json` prints). */
export interface TimescaleStatus {
  postgresVersion: string
  timescaledbVersion: string | null
  license: string | null
  hypertables: HypertableStatus[]
  continuousAggregates: ContinuousAggregateStatus[]
  jobs: JobStatus[]
  /** The server's `now()` when the status was read (ISO 8601 UTC). */
  collectedAt: string
}
