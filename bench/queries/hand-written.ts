import type { PGlite } from '@electric-sql/pglite'
import type postgres from 'postgres'

/*
 * The baselines of the query comparisons: the design's own queries (ARCHITECTURE.md, "Select
 * Operations" and "Aggregation Operations"), hand-written in postgres.js on the native server and
 * as PGlite parameters on the embedded database. They return the driver's rows as they come.
 */

export type Row = Record<string, unknown>

export interface HandWritten {
  label: string
  /** The design's getLatestValues: DISTINCT ON over the hypertable. */
  latest(ids: string[]): Promise<Row[]>
  /** Raw time_bucket over the hypertable, one entity or (null) every entity. */
  buckets(entityId: string | null, interval: string, from: Date, to: Date, limit: number): Promise<Row[]>
  /** The design's getRecords. */
  records(entityId: string, from: Date, to: Date, limit: number): Promise<Row[]>
}

/** The design's queries through postgres.js (tagged templates, as in ARCHITECTURE.md). */
export function postgresJsQueries(sql: postgres.Sql): HandWritten {
  return {
    label: 'postgres.js, hand-written',
    latest: (ids) => sql`
      SELECT DISTINCT ON (entity_id) time, entity_id, value, value2, value3, value4, metadata
      FROM time_series_data
      WHERE entity_id = ANY(${ids})
      ORDER BY entity_id, time DESC`,
    buckets: (entityId, interval, from, to, limit) => sql`
      SELECT time_bucket(${interval}::interval, time) as bucket, entity_id, avg(value) as value, count(*) as count
      FROM time_series_data
      WHERE ${entityId === null ? sql`true` : sql`entity_id = ${entityId}`} AND time >= ${from} AND time < ${to}
      GROUP BY bucket, entity_id
      ORDER BY bucket DESC, entity_id
      LIMIT ${limit}`,
    records: (entityId, from, to, limit) => sql`
      SELECT time, entity_id, value, value2, value3, value4, metadata
      FROM time_series_data
      WHERE entity_id = ${entityId} AND time >= ${from} AND time < ${to}
      ORDER BY time DESC
      LIMIT ${limit}`,
  }
}

/** The same queries as PGlite parameters. */
export function pgliteQueries(pglite: PGlite): HandWritten {
  const rows = async (text: string, params: unknown[]) => (await pglite.query<Row>(text, params)).rows
  return {
    label: 'PGlite, hand-written',
    latest: (ids) =>
      rows(
        `SELECT DISTINCT ON (entity_id) time, entity_id, value, value2, value3, value4, metadata
         FROM time_series_data WHERE entity_id = ANY($1::text[]) ORDER BY entity_id, time DESC`,
        [ids],
      ),
    buckets: (entityId, interval, from, to, limit) =>
      rows(
        `SELECT time_bucket($1::interval, time) as bucket, entity_id, avg(value) as value, count(*) as count
         FROM time_series_data
         WHERE ${entityId === null ? 'true' : 'entity_id = $5'} AND time >= $2 AND time < $3
         GROUP BY bucket, entity_id ORDER BY bucket DESC, entity_id LIMIT $4`,
        entityId === null ? [interval, from, to, limit] : [interval, from, to, limit, entityId],
      ),
    records: (entityId, from, to, limit) =>
      rows(
        `SELECT time, entity_id, value, value2, value3, value4, metadata FROM time_series_data
         WHERE entity_id = $1 AND time >= $2 AND time < $3 ORDER BY time DESC LIMIT $4`,
        [entityId, from, to, limit],
      ),
  }
}
