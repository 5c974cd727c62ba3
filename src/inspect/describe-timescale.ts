import { type CatalogDimension, readContinuousAggregates, readHypertables, readJobs, readServerInfo } from '../catalog/index.ts'
import type { AnyPgDatabase } from '../internal/query-rows.ts'

/** A dimension of a hypertable: the time column and its chunk interval, or a hash-partitioned column. */
export type DimensionDescription = CatalogDimension

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
  /** What it reads: the hypertable, or for a hierarchical aggregate the finer aggregate (its view's name). */
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
  const server = await readServerInfo(db)
  const base = { postgresVersion: server.postgresVersion, timescaledbVersion: server.timescaledbVersion, license: server.license }
  if (!server.timescaledbVersion) return { ...base, hypertables: [], continuousAggregates: [], jobs: [] }
  const [hypertables, aggregates, jobs] = await Promise.all([readHypertables(db), readContinuousAggregates(db), readJobs(db)])
  const viewOfMaterialization = new Map(aggregates.map((a) => [`${a.materialization.schema}.${a.materialization.name}`, a.name]))
  return {
    ...base,
    hypertables: hypertables.map((h) => ({
      schema: h.schema,
      name: h.name,
      chunks: h.chunks,
      dimensions: h.dimensions,
      compression: { enabled: h.compression.enabled, segmentBy: h.compression.segmentBy, orderBy: h.compression.orderBy },
    })),
    continuousAggregates: aggregates.map((a) => ({
      schema: a.schema,
      name: a.name,
      // A hierarchical aggregate reads the finer one's materialization hypertable: named by its view.
      hypertable: viewOfMaterialization.get(`${a.hypertableSchema}.${a.hypertable}`) ?? a.hypertable,
      materializedOnly: a.materializedOnly,
    })),
    jobs: jobs
      .filter((j) => j.id >= 1000)
      .map((j) => ({
        id: j.id,
        name: j.name,
        procedure: j.procName,
        hypertable: j.target === null ? null : j.target.slice(j.target.indexOf('.') + 1),
        scheduleInterval: j.schedule,
        config: j.config,
        scheduled: j.scheduled,
        nextStart: j.nextStart,
      })),
  }
}
