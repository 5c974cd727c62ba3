import { type SQL, sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { finiteUtcText } from './finite-utc-text.ts'

/** A continuous aggregate, where its rows are, how far they reach, and its refresh policy. */
export interface CatalogContinuousAggregate {
  schema: string
  name: string
  /** The hypertable it aggregates (its name; `hypertableSchema` beside it). */
  hypertable: string
  hypertableSchema: string
  materializedOnly: boolean
  /** Its own columnstore (compression of its materialization) is on. */
  compressionEnabled: boolean
  /**
   * The aggregate stores final values (the format of TimescaleDB 2.7+). TimescaleDB 2.25 removed
   * the old format and the `finalized` column with it: there every aggregate is finalized.
   */
  finalized: boolean
  /** `_timescaledb_catalog.hypertable` ids of the materialization and of the raw hypertable. */
  materializationId: number
  rawHypertableId: number
  /** The materialization hypertable, `schema.table` parts. */
  materialization: { schema: string; name: string }
  /**
   * Whether this session may read the aggregate and its hypertable (`SELECT` on both): the
   * watermark needs the first, and so does any look at the rows; without them `watermark` and
   * `lagSeconds` are `null`.
   */
  readable: boolean
  /** End of the materialized data (ISO 8601 UTC); `null` when it was never refreshed (or is not readable). */
  watermark: string | null
  /** `now() - watermark` in seconds; `null` when never refreshed. */
  lagSeconds: number | null
  /** Its refresh policy (`add_continuous_aggregate_policy`), or `null` without one. */
  refreshPolicy: {
    jobId: number
    /** The offsets as the policy's config holds them (`1 day`, `01:00:00`); `null` for an open end. */
    startOffset: string | null
    endOffset: string | null
    scheduleInterval: string
    /** `end_offset` and `schedule_interval` in seconds (`null` for an integer time column). */
    endOffsetSeconds: number | null
    scheduleSeconds: number
  } | null
}

/** Watermark of an aggregate never refreshed: PostgreSQL's smallest timestamp in TimescaleDB's internal time. */
const NEVER_REFRESHED = sql.raw('-210866803200000000::bigint')

/**
 * Reads every continuous aggregate with its materialization, watermark and refresh policy.
 *
 * The facts come from `timescaledb_information.continuous_aggregates` and `.jobs`; two need
 * TimescaleDB's internal catalog, read by name so that it survives versions: the hypertable ids
 * (the watermark function and the invalidation logs are keyed by them; `_timescaledb_catalog.hypertable`
 * has had `id`, `schema_name`, `table_name` since 1.x) and `finalized`, read only where the view
 * still has that column (it went with the old format in 2.25).
 *
 * @example
 * ```ts
 * const aggregates = await readContinuousAggregates(db)
 * const hourly = aggregates.find((a) => a.name === 'hourly_metrics')
 * ```
 * @see https://docs.timescale.com/api/latest/informational-views/continuous_aggregates/
 */
export async function readContinuousAggregates(db: AnyPgDatabase): Promise<CatalogContinuousAggregate[]> {
  const [shape] = await queryRows<{ finalized: boolean }>(
    db,
    sql`select exists (select 1 from pg_attribute where attrelid = 'timescaledb_information.continuous_aggregates'::regclass
          and attname = 'finalized' and not attisdropped) as finalized`,
  )
  const finalized: SQL = shape?.finalized ? sql`a.finalized` : sql`true`
  const offsetSeconds = (key: string) =>
    sql`case when j.config->>${key} ~ '^-?[0-9]+$' then null
          else coalesce(extract(epoch from (j.config->>${key})::interval), 0)::float8 end`
  const rows = await queryRows<{
    schema: string
    name: string
    hypertable: string
    hypertable_schema: string
    materialized_only: boolean
    compression_enabled: boolean
    finalized: boolean
    mat_id: number
    raw_id: number
    mat_schema: string
    mat_name: string
    job_id: number | null
    start_offset: string | null
    end_offset: string | null
    schedule: string | null
    end_seconds: number | null
    schedule_seconds: number | null
    readable: boolean
  }>(
    db,
    sql`select a.view_schema as schema, a.view_name as name, a.hypertable_name as hypertable,
          a.hypertable_schema, a.materialized_only, a.compression_enabled, ${finalized} as finalized,
          m.id as mat_id, r.id as raw_id, m.schema_name as mat_schema, m.table_name as mat_name,
          j.job_id::int as job_id, j.config->>'start_offset' as start_offset, j.config->>'end_offset' as end_offset,
          j.schedule_interval::text as schedule, ${offsetSeconds('end_offset')} as end_seconds,
          extract(epoch from j.schedule_interval)::float8 as schedule_seconds,
          has_table_privilege(format('%I.%I', a.view_schema, a.view_name), 'SELECT')
            and has_table_privilege(format('%I.%I', a.hypertable_schema, a.hypertable_name), 'SELECT') as readable
        from timescaledb_information.continuous_aggregates a
        join _timescaledb_catalog.hypertable m
          on m.schema_name = a.materialization_hypertable_schema and m.table_name = a.materialization_hypertable_name
        join _timescaledb_catalog.hypertable r on r.schema_name = a.hypertable_schema and r.table_name = a.hypertable_name
        left join timescaledb_information.jobs j on j.proc_name = 'policy_refresh_continuous_aggregate'
          and (j.config->>'mat_hypertable_id')::int = m.id
        order by 1, 2`,
  )
  const result: CatalogContinuousAggregate[] = []
  for (const row of rows) {
    // cagg_watermark() checks SELECT on the aggregate.
    const mark = row.readable ? await readWatermark(db, Number(row.mat_id)) : { watermark: null, lag: null }
    result.push({
      schema: row.schema,
      name: row.name,
      hypertable: row.hypertable,
      hypertableSchema: row.hypertable_schema,
      materializedOnly: row.materialized_only,
      compressionEnabled: row.compression_enabled,
      finalized: row.finalized,
      materializationId: Number(row.mat_id),
      rawHypertableId: Number(row.raw_id),
      materialization: { schema: row.mat_schema, name: row.mat_name },
      readable: row.readable,
      watermark: mark.watermark,
      lagSeconds: mark.lag,
      refreshPolicy:
        row.job_id === null
          ? null
          : {
              jobId: Number(row.job_id),
              startOffset: row.start_offset,
              endOffset: row.end_offset,
              scheduleInterval: row.schedule ?? '',
              endOffsetSeconds: row.end_seconds === null ? null : Number(row.end_seconds),
              scheduleSeconds: Number(row.schedule_seconds ?? 0),
            },
    })
  }
  return result
}

async function readWatermark(db: AnyPgDatabase, id: number): Promise<{ watermark: string | null; lag: number | null }> {
  // In the aggregate's internal time (microseconds since 2000-01-01 for timestamptz); until the
  // first refresh it is the smallest timestamp (4714-11-24 BC), i.e. never refreshed.
  const [row] = await queryRows<{ watermark: string | null; lag: number | null }>(
    db,
    sql`select ${finiteUtcText(sql`w.t`)} as watermark,
          case when isfinite(w.t) then extract(epoch from now() - w.t)::float8 end as lag
        from (select case when m.raw > ${NEVER_REFRESHED} then _timescaledb_functions.to_timestamp(m.raw) end as t
              from (select _timescaledb_functions.cagg_watermark(${id}::int) as raw) m) w`,
  )
  return { watermark: row?.watermark ?? null, lag: row?.lag === null || row?.lag === undefined ? null : Number(row.lag) }
}
