import { sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'

/** A dimension of a hypertable: the time column and its chunk interval, or a hash-partitioned column. */
export interface CatalogDimension {
  column: string
  kind: 'time' | 'hash'
  /** Chunk interval of a time dimension, as PostgreSQL prints it (`1 day`). */
  chunkInterval: string | null
  /** Number of hash partitions of a space dimension. */
  partitions: number | null
  /** Chunk interval of a range dimension on an integer column (absent otherwise). */
  integerInterval?: number
}

/** A hypertable as TimescaleDB's information views describe it. */
export interface CatalogHypertable {
  schema: string
  name: string
  dimensions: CatalogDimension[]
  chunks: number
  compressedChunks: number
  /** Everything the hypertable takes on disk now: tables, indexes, TOAST (`hypertable_detailed_size`). */
  totalBytes: number | null
  compression: {
    enabled: boolean
    segmentBy: string[]
    /** `column ASC|DESC`. */
    orderBy: string[]
    /** Size of the compressed chunks before and after compression (`hypertable_compression_stats`). */
    beforeBytes: number | null
    afterBytes: number | null
  }
}

/**
 * Reads every hypertable of the database with its dimensions, chunks, size and compression
 * (settings and sizes), from `timescaledb_information.*` and the size functions only: these are
 * the stable contract across TimescaleDB versions (2.19 to 2.29 here).
 *
 * @example
 * ```ts
 * const [h] = await readHypertables(db)
 * console.log(h?.dimensions, h?.compression.segmentBy)
 * ```
 * @see https://docs.timescale.com/api/latest/informational-views/
 */
export async function readHypertables(db: AnyPgDatabase): Promise<CatalogHypertable[]> {
  const [hypertables, dimensions, settings] = await Promise.all([
    queryRows<{ schema: string; name: string; chunks: number; compressed: number; enabled: boolean; bytes: number | null }>(
      db,
      sql`select h.hypertable_schema as schema, h.hypertable_name as name, h.num_chunks::int as chunks,
            h.compression_enabled as enabled,
            (select count(*)::int from timescaledb_information.chunks c
              where c.hypertable_schema = h.hypertable_schema and c.hypertable_name = h.hypertable_name and c.is_compressed) as compressed,
            (select s.total_bytes::float8
              from hypertable_detailed_size(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) s) as bytes
          from timescaledb_information.hypertables h order by 1, 2`,
    ),
    queryRows<{
      schema: string
      name: string
      column: string
      type: string
      interval: string | null
      partitions: number | null
      integer_interval: number | null
    }>(
      db,
      sql`select hypertable_schema as schema, hypertable_name as name, column_name as column,
                 dimension_type as type, time_interval::text as interval, num_partitions::int as partitions,
                 integer_interval::float8 as integer_interval
          from timescaledb_information.dimensions order by 1, 2, dimension_number`,
    ),
    queryRows<{ schema: string; name: string; column: string; segment: number | null; order: number | null; asc: boolean | null }>(
      db,
      sql`select hypertable_schema as schema, hypertable_name as name, attname as column,
                 segmentby_column_index as segment, orderby_column_index as order, orderby_asc as asc
          from timescaledb_information.compression_settings
          order by 1, 2, coalesce(segmentby_column_index, 0), coalesce(orderby_column_index, 0)`,
    ),
  ])
  const of = (h: { schema: string; name: string }) => (r: { schema: string; name: string }) => r.schema === h.schema && r.name === h.name
  const result: CatalogHypertable[] = []
  for (const h of hypertables) {
    const mine = settings.filter(of(h))
    const stats = h.enabled ? await readCompressionStats(db, h.schema, h.name) : undefined
    result.push({
      schema: h.schema,
      name: h.name,
      chunks: Number(h.chunks),
      compressedChunks: Number(h.compressed),
      totalBytes: h.bytes === null ? null : Number(h.bytes),
      dimensions: dimensions.filter(of(h)).map((d) => ({
        column: d.column,
        kind: d.type === 'Time' ? 'time' : 'hash',
        chunkInterval: d.interval,
        partitions: d.partitions === null ? null : Number(d.partitions),
        ...(d.integer_interval === null ? {} : { integerInterval: Number(d.integer_interval) }),
      })),
      compression: {
        enabled: h.enabled,
        segmentBy: mine.filter((s) => s.segment !== null).map((s) => s.column),
        orderBy: mine.filter((s) => s.order !== null).map((s) => `${s.column} ${s.asc ? 'ASC' : 'DESC'}`),
        beforeBytes: stats?.before ?? null,
        afterBytes: stats?.after ?? null,
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
  // No row, or NULL sizes, while nothing is compressed.
  const [row] = await queryRows<{ before: number | null; after: number | null }>(
    db,
    sql`select before_compression_total_bytes::float8 as before, after_compression_total_bytes::float8 as after
        from hypertable_compression_stats(format('%I.%I', ${schema}::text, ${name}::text)::regclass)`,
  )
  if (!row) return undefined
  return { before: row.before === null ? null : Number(row.before), after: row.after === null ? null : Number(row.after) }
}
