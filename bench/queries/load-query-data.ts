/*
 * The query data set, written server-side in one INSERT ... SELECT over generate_series (not
 * timed): `entities` entities over `days` days ending at QUERY_END, every entity evenly spaced,
 * except STREAM_ENTITY, which holds `streamRows` rows of its own (the streamRecords load). The
 * secondary indexes are dropped for the load and built again afterwards (the same definitions,
 * read from pg_indexes): one build is much faster than millions of index insertions.
 */

/** The end of the query data (exclusive); the data covers `days` days before it. */
export const QUERY_END = '2024-02-01T00:00:00.000000Z'
/** Hours at the end of the data left un-materialized (on a full-license database): the real-time tail read from the table. */
export const TAIL_HOURS = 2
/** The entity that holds the streamRecords load. */
export const STREAM_ENTITY = 'entity-0000'
/** A typical entity, for the single-entity queries. */
export const SAMPLE_ENTITY = 'entity-0001'

/** Shape of the query data set. */
export interface QueryDataShape {
  rows: number
  entities: number
  days: number
  /** Rows of {@link STREAM_ENTITY} (part of `rows`). */
  streamRows: number
}

/** The entity ids of a data set: `entity-0000` ... */
export function entityIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `entity-${String(i).padStart(4, '0')}`)
}

/** The first instant of the data (inclusive), as canonical UTC text. */
export function queryStart(shape: QueryDataShape): string {
  return new Date(Date.parse(QUERY_END) - shape.days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '.000000Z')
}

/** Rows per ordinary entity (every entity but the stream entity). */
export function rowsPerEntity(shape: QueryDataShape): number {
  return Math.max(1, Math.floor((shape.rows - shape.streamRows) / Math.max(1, shape.entities - 1)))
}

/** The statements that load the data set into an empty, migrated database, in order. */
export function loadStatements(shape: QueryDataShape, indexDefinitions: readonly string[], indexNames: readonly string[]): string[] {
  const start = queryStart(shape)
  const span = `interval '${shape.days} days'`
  const per = rowsPerEntity(shape)
  const columns = (entity: string, step: string) => `${entity},
      '${start}'::timestamptz + s * (${span} / ${step}),
      round((20 + 5 * sin(s / 60.0 + e) + e % 7)::numeric, 3)::float8,
      (40 + (s * 7 + e) % 50)::float8,
      case when e % 3 = 0 then null else (1000 + (s + e) % 17)::float8 end,
      null,
      jsonb_build_object('site', 'site-' || (e % 10), 'firmware', '1.' || (e % 4))`
  return [
    ...indexNames.map((name) => `drop index ${name}`),
    `insert into time_series_data (entity_id, time, value, value2, value3, value4, metadata)
     select ${columns(`'entity-' || lpad(e::text, 4, '0')`, String(per))}
     from generate_series(1, ${shape.entities - 1}) e, generate_series(0, ${per - 1}) s`,
    `insert into time_series_data (entity_id, time, value, value2, value3, value4, metadata)
     select ${columns(`'${STREAM_ENTITY}'`, String(shape.streamRows))}
     from (select 0 as e) e, generate_series(0, ${shape.streamRows - 1}) s`,
    ...indexDefinitions,
    'analyze time_series_data',
  ]
}

/** Reads the secondary indexes of time_series_data (all but the primary key). */
export const SECONDARY_INDEXES_SQL = `select indexname, indexdef from pg_indexes
  where schemaname = current_schema() and tablename = 'time_series_data' and indexname <> 'time_series_data_pkey'
  order by indexname`
