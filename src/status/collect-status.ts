import { type SQL, sql } from 'drizzle-orm'
import { utcText } from '../internal/iso-time.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import type { ContinuousAggregateStatus, HypertableStatus, JobStatus, TimescaleStatus } from './timescale-status.ts'

/**
 * Reads what `drizzle-timescale status` shows: versions and license, each hypertable with its
 * chunks, chunk interval, size and compression ratio, each continuous aggregate's watermark and
 * lag, and every background job with its last run. Read-only; works on the Apache edition (no
 * compression figures, no continuous aggregates) and on a database without TimescaleDB.
 *
 * @example
 * ```ts
 * const status = await collectStatus(db)
 * for (const h of status.hypertables) console.log(h.name, h.chunks, h.compression.ratio)
 * ```
 * @see https://docs.timescale.com/api/latest/informational-views/
 */
export async function collectStatus(db: AnyPgDatabase): Promise<TimescaleStatus> {
  const [versions] = await queryRows<{ pg: string; ts: string | null; license: string | null; now: string }>(
    db,
    sql`select current_setting('server_version') as pg,
               (select extversion from pg_extension where extname = 'timescaledb') as ts,
               current_setting('timescaledb.license', true) as license,
               ${utcText(sql`now()`)} as now`,
  )
  const base = {
    postgresVersion: versions?.pg ?? 'unknown',
    timescaledbVersion: versions?.ts ?? null,
    license: versions?.license ?? null,
    collectedAt: versions?.now ?? new Date().toISOString(),
  }
  if (!versions?.ts) return { ...base, hypertables: [], continuousAggregates: [], jobs: [] }
  const hypertables = await readHypertables(db)
  const continuousAggregates = await readContinuousAggregates(db)
  const jobs = await readJobs(db)
  return { ...base, hypertables, continuousAggregates, jobs }
}

/** ISO 8601 UTC text of a timestamptz, `null` for NULL and ±infinity. */
function isoText(expression: SQL): SQL {
  return sql`case when isfinite(${expression}) then ${utcText(expression)} end`
}

async function readHypertables(db: AnyPgDatabase): Promise<HypertableStatus[]> {
  const rows = await queryRows<{
    schema: string
    name: string
    chunks: number
    compressed: number
    compression_enabled: boolean
    chunk_interval: string | null
    partitions: number | null
    total_bytes: number | null
  }>(
    db,
    sql`select h.hypertable_schema as schema, h.hypertable_name as name, h.num_chunks::int as chunks,
          h.compression_enabled,
          (select count(*)::int from timescaledb_information.chunks c
            where c.hypertable_schema = h.hypertable_schema and c.hypertable_name = h.hypertable_name and c.is_compressed) as compressed,
          (select d.time_interval::text from timescaledb_information.dimensions d
            where d.hypertable_schema = h.hypertable_schema and d.hypertable_name = h.hypertable_name
              and d.dimension_type = 'Time' order by d.dimension_number limit 1) as chunk_interval,
          (select d.num_partitions::int from timescaledb_information.dimensions d
            where d.hypertable_schema = h.hypertable_schema and d.hypertable_name = h.hypertable_name
              and d.dimension_type = 'Space' order by d.dimension_number limit 1) as partitions,
          (select s.total_bytes::float8
            from hypertable_detailed_size(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) s) as total_bytes
        from timescaledb_information.hypertables h order by 1, 2`,
  )
  const result: HypertableStatus[] = []
  for (const row of rows) {
    const stats = row.compression_enabled ? await readCompressionStats(db, row.schema, row.name) : undefined
    const before = stats?.before ?? null
    const after = stats?.after ?? null
    result.push({
      schema: row.schema,
      name: row.name,
      chunkInterval: row.chunk_interval,
      hashPartitions: row.partitions === null ? null : Number(row.partitions),
      chunks: Number(row.chunks),
      compressedChunks: Number(row.compressed),
      totalBytes: row.total_bytes === null ? null : Number(row.total_bytes),
      compression: {
        enabled: row.compression_enabled,
        beforeBytes: before,
        afterBytes: after,
        ratio: before !== null && after ? Math.round((before / after) * 100) / 100 : null,
      },
    })
  }
  return result
}

async function readCompressionStats(
  db: AnyPgDatabase,
  schema: string,
  name: string,
): Promise<{ before: number | null; after: number | null } | undefined> {
  try {
    // Returns no row, or NULL sizes, when nothing is compressed (and no row on the Apache edition).
    const [row] = await queryRows<{ before: number | null; after: number | null }>(
      db,
      sql`select before_compression_total_bytes::float8 as before, after_compression_total_bytes::float8 as after
          from hypertable_compression_stats(format('%I.%I', ${schema}::text, ${name}::text)::regclass)`,
    )
    if (!row) return undefined
    return { before: row.before === null ? null : Number(row.before), after: row.after === null ? null : Number(row.after) }
  } catch {
    return undefined
  }
}

async function readContinuousAggregates(db: AnyPgDatabase): Promise<ContinuousAggregateStatus[]> {
  const rows = await queryRows<{ schema: string; name: string; hypertable: string; materialized_only: boolean; id: number | null }>(
    db,
    sql`select a.view_schema as schema, a.view_name as name, a.hypertable_name as hypertable, a.materialized_only,
          (select c.mat_hypertable_id from _timescaledb_catalog.continuous_agg c
            where c.user_view_schema = a.view_schema and c.user_view_name = a.view_name) as id
        from timescaledb_information.continuous_aggregates a order by 1, 2`,
  )
  const result: ContinuousAggregateStatus[] = []
  for (const row of rows) {
    const mark = row.id === null ? undefined : await readWatermark(db, Number(row.id))
    result.push({
      schema: row.schema,
      name: row.name,
      hypertable: row.hypertable,
      materializedOnly: row.materialized_only,
      watermark: mark?.watermark ?? null,
      lagSeconds: mark?.lag ?? null,
    })
  }
  return result
}

/** Watermark of an aggregate never refreshed: PostgreSQL's smallest timestamp in TimescaleDB's internal time. */
const NEVER_REFRESHED = sql.raw('-210866803200000000::bigint')

async function readWatermark(db: AnyPgDatabase, id: number): Promise<{ watermark: string | null; lag: number | null } | undefined> {
  // The watermark is in the aggregate's internal time (microseconds since 2000-01-01 for timestamptz);
  // until the first refresh it is the smallest timestamp (4714-11-24 BC), i.e. never refreshed.
  // The functions moved from _timescaledb_internal to _timescaledb_functions in TimescaleDB 2.12.
  for (const schema of ['_timescaledb_functions', '_timescaledb_internal']) {
    try {
      const fn = (name: string) => sql`${sql.identifier(schema)}.${sql.identifier(name)}`
      const [row] = await queryRows<{ watermark: string | null; lag: number | null }>(
        db,
        sql`select ${isoText(sql`w.t`)} as watermark,
              case when isfinite(w.t) then extract(epoch from now() - w.t)::float8 end as lag
            from (select case when m.raw > ${NEVER_REFRESHED} then ${fn('to_timestamp')}(m.raw) end as t
                  from (select ${fn('cagg_watermark')}(${id}::int) as raw) m) w`,
      )
      if (!row) return undefined
      return { watermark: row.watermark, lag: row.lag === null ? null : Number(row.lag) }
    } catch {}
  }
  return undefined
}

async function readJobs(db: AnyPgDatabase): Promise<JobStatus[]> {
  const rows = await queryRows<{
    id: number
    name: string
    proc: string
    target: string | null
    schedule: string
    scheduled: boolean
    config: Record<string, unknown> | string | null
    last_start: string | null
    last_success: string | null
    last_status: string | null
    job_status: string | null
    runs: number | null
    failures: number | null
    next_start: string | null
  }>(
    db,
    sql`select j.job_id::int as id, j.application_name as name, j.proc_schema || '.' || j.proc_name as proc,
          case when j.hypertable_name is null then null else j.hypertable_schema || '.' || j.hypertable_name end as target,
          j.schedule_interval::text as schedule, j.scheduled, j.config,
          ${isoText(sql`s.last_run_started_at`)} as last_start,
          ${isoText(sql`s.last_successful_finish`)} as last_success,
          s.last_run_status as last_status, s.job_status,
          coalesce(s.total_runs, 0)::int as runs, coalesce(s.total_failures, 0)::int as failures,
          ${isoText(sql`coalesce(s.next_start, j.next_start)`)} as next_start
        from timescaledb_information.jobs j
        left join timescaledb_information.job_stats s on s.job_id = j.job_id
        order by j.job_id`,
  )
  return rows.map((j) => ({
    id: Number(j.id),
    name: j.name,
    procedure: j.proc,
    target: j.target,
    schedule: j.schedule,
    scheduled: j.scheduled,
    config: typeof j.config === 'string' ? (JSON.parse(j.config) as Record<string, unknown>) : j.config,
    lastRunStartedAt: j.last_start,
    lastSuccessfulFinish: j.last_success,
    lastRunStatus: j.last_status,
    jobStatus: j.job_status,
    totalRuns: Number(j.runs ?? 0),
    totalFailures: Number(j.failures ?? 0),
    nextStart: j.next_start,
  }))
}
