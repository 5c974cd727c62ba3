import { sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'

/** A dimension of a hypertable: the time column and its chunk interval, or a hash-partitioned column. */
export interface DimensionDescription {
  column: string
  kind: 'time' | 'hash'
  /** Chunk interval of a time dimension, as PostgreSQL prints it (`1 day`). */
  chunkInterval: string | null
  /** Number of hash partitions of a space dimension. */
  partitions: number | null
}

/** A hypertable, its dimensions, chunks and compression settings. */
export interface HypertableDescription {
  schema: string
  name: string
  dimensions: DimensionDescription[]
  chunks: number
  compression: { enabled: boolean; segmentBy: string[]; orderBy: string[] }
}

/** A TimescaleDB background job (a policy). */
export interface JobDescription {
  id: number
  name: string
  procedure: string
  hypertable: string | null
  scheduleInterval: string
  config: Record<string, unknown> | null
  scheduled: boolean
  nextStart: string | null
}

/** A continuous aggregate. */
export interface ContinuousAggregateDescription {
  schema: string
  name: string
  hypertable: string
  materializedOnly: boolean
}

/** What a database holds of TimescaleDB: versions, license, hypertables, aggregates, jobs. */
export interface TimescaleDescription {
  postgresVersion: string
  timescaledbVersion: string | null
  license: 'timescale' | 'apache' | string | null
  hypertables: HypertableDescription[]
  continuousAggregates: ContinuousAggregateDescription[]
  jobs: JobDescription[]
}

/**
 * Reads TimescaleDB's catalog (`timescaledb_information.*`) and describes what exists:
 * the extension version and license, each hypertable with its dimensions, chunk count and
 * compression settings, the continuous aggregates and the background jobs (policies).
 * Works on any Drizzle PostgreSQL database; read-only.
 *
 * @example
 * ```ts
 * const { license, hypertables, jobs } = await describeTimescale(db)
 * ```
 * @see https://docs.timescale.com/api/latest/informational-views/
 */
export async function describeTimescale(db: AnyPgDatabase): Promise<TimescaleDescription> {
  const [versions] = await queryRows<{ pg: string; ts: string | null; license: string | null }>(
    db,
    sql`select current_setting('server_version') as pg,
               (select extversion from pg_extension where extname = 'timescaledb') as ts,
               current_setting('timescaledb.license', true) as license`,
  )
  if (!versions?.ts) {
    return {
      postgresVersion: versions?.pg ?? 'unknown',
      timescaledbVersion: null,
      license: versions?.license ?? null,
      hypertables: [],
      continuousAggregates: [],
      jobs: [],
    }
  }
  const [hypertables, dimensions, compression, aggregates, jobs] = await Promise.all([
    queryRows<{ schema: string; name: string; chunks: number; compressed: boolean }>(
      db,
      sql`select hypertable_schema as schema, hypertable_name as name, num_chunks::int as chunks,
                 compression_enabled as compressed
          from timescaledb_information.hypertables order by 1, 2`,
    ),
    queryRows<{ schema: string; name: string; column: string; type: string; interval: string | null; partitions: number | null }>(
      db,
      sql`select hypertable_schema as schema, hypertable_name as name, column_name as column,
                 dimension_type as type, time_interval::text as interval, num_partitions::int as partitions
          from timescaledb_information.dimensions order by 1, 2, dimension_number`,
    ),
    queryRows<{ schema: string; name: string; column: string; segment: number | null; order: number | null; asc: boolean | null }>(
      db,
      sql`select hypertable_schema as schema, hypertable_name as name, attname as column,
                 segmentby_column_index as segment, orderby_column_index as order, orderby_asc as asc
          from timescaledb_information.compression_settings
          order by 1, 2, coalesce(segmentby_column_index, 0), coalesce(orderby_column_index, 0)`,
    ),
    queryRows<{ schema: string; name: string; hypertable: string; materialized_only: boolean }>(
      db,
      sql`select view_schema as schema, view_name as name, hypertable_name as hypertable, materialized_only
          from timescaledb_information.continuous_aggregates order by 1, 2`,
    ),
    queryRows<{
      id: number; name: string; proc: string; hypertable: string | null; schedule: string
      config: Record<string, unknown> | string | null; scheduled: boolean; next_start: string | null
    }>(
      db,
      sql`select job_id::int as id, application_name as name, proc_name as proc, hypertable_name as hypertable,
                 schedule_interval::text as schedule, config, scheduled, next_start::text as next_start
          from timescaledb_information.jobs where job_id >= 1000 order by job_id`,
    ),
  ])
  const of = (schema: string, name: string) => (r: { schema: string; name: string }) => r.schema === schema && r.name === name
  return {
    postgresVersion: versions.pg,
    timescaledbVersion: versions.ts,
    license: versions.license,
    hypertables: hypertables.map((h) => {
      const settings = compression.filter(of(h.schema, h.name))
      return {
        schema: h.schema,
        name: h.name,
        chunks: Number(h.chunks),
        dimensions: dimensions.filter(of(h.schema, h.name)).map((d) => ({
          column: d.column,
          kind: d.type === 'Time' ? 'time' : 'hash',
          chunkInterval: d.interval,
          partitions: d.partitions === null ? null : Number(d.partitions),
        })),
        compression: {
          enabled: h.compressed,
          segmentBy: settings.filter((s) => s.segment !== null).map((s) => s.column),
          orderBy: settings.filter((s) => s.order !== null).map((s) => `${s.column} ${s.asc ? 'ASC' : 'DESC'}`),
        },
      }
    }),
    continuousAggregates: aggregates.map((a) => ({
      schema: a.schema,
      name: a.name,
      hypertable: a.hypertable,
      materializedOnly: a.materialized_only,
    })),
    jobs: jobs.map((j) => ({
      id: Number(j.id),
      name: j.name,
      procedure: j.proc,
      hypertable: j.hypertable,
      scheduleInterval: j.schedule,
      config: typeof j.config === 'string' ? (JSON.parse(j.config) as Record<string, unknown>) : j.config,
      scheduled: j.scheduled,
      nextStart: j.next_start,
    })),
  }
}
