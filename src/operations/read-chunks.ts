import { type SQL, sql } from 'drizzle-orm'
import { finiteUtcText } from '../catalog/finite-utc-text.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import type { CheckedWindow } from './chunk-window.ts'

/** One chunk of a hypertable. */
export interface ChunkInfo {
  /** `schema.name` of the chunk table (`_timescaledb_internal._hyper_1_4_chunk`). */
  chunk: string
  /** Its time range `[start, end)`, ISO 8601 UTC (a time column), or as integers (an integer time column). */
  rangeStart: string | number | null
  rangeEnd: string | number | null
  /** Its slice of each hash-partitioned dimension (`[start, end)` of the partition hash, as text: they exceed 2^53). */
  partitions: { column: string; start: string; end: string }[]
  /** In the columnstore (compressed), wholly or partly. */
  compressed: boolean
  /** What it takes on disk now: the chunk, its indexes and TOAST, and its compressed data. */
  totalBytes: number | null
  /** For a compressed chunk: its size before compression and after (`chunk_compression_stats`). */
  beforeCompressionBytes: number | null
  afterCompressionBytes: number | null
}

/** The chunks of a hypertable found, within a checked window (for the operations on them). */
export async function readChunks(
  db: AnyPgDatabase,
  target: { schema: string; name: string; regclass: string },
  window: CheckedWindow,
): Promise<ChunkInfo[]> {
  const args: SQL[] = [sql`${target.regclass}::regclass`]
  if (window.olderThan) args.push(sql`older_than => ${window.olderThan}`)
  if (window.newerThan) args.push(sql`newer_than => ${window.newerThan}`)
  const rows = await queryRows<{
    chunk_schema: string
    chunk_name: string
    range_start: string | null
    range_end: string | null
    int_start: string | null
    int_end: string | null
    partitions: { column: string; start: string; end: string }[] | string
    compressed: boolean
    total: number | null
    before: number | null
    after: number | null
  }>(
    db,
    // _timescaledb_catalog.chunk names its table by schema_name/table_name before 2.28 and by relid
    // since: read through to_jsonb, whichever it has. Hash slices join through chunk_constraint,
    // a table before 2.28 and a view over dimension_slice since.
    sql`with wanted as materialized (select s.c::regclass::oid as oid from show_chunks(${sql.join(args, sql`, `)}) s(c)),
        ids as materialized (
          select ch.id, coalesce(to_regclass(to_jsonb(ch)->>'relid')::oid,
            to_regclass(format('%I.%I', to_jsonb(ch)->>'schema_name', to_jsonb(ch)->>'table_name'))::oid) as oid
          from _timescaledb_catalog.chunk ch
          where ch.hypertable_id = (select h.id from _timescaledb_catalog.hypertable h
            where h.schema_name = ${target.schema} and h.table_name = ${target.name})),
        slices as materialized (
          select ids.oid, json_agg(json_build_object('column', d.column_name, 'start', ds.range_start::text, 'end', ds.range_end::text)
            order by d.id) as partitions
          from ids
          join _timescaledb_catalog.chunk_constraint cc on cc.chunk_id = ids.id
          join _timescaledb_catalog.dimension_slice ds on ds.id = cc.dimension_slice_id
          join _timescaledb_catalog.dimension d on d.id = ds.dimension_id and d.num_slices is not null
          group by ids.oid)
        select c.chunk_schema, c.chunk_name, ${finiteUtcText(sql`c.range_start`)} as range_start,
          ${finiteUtcText(sql`c.range_end`)} as range_end,
          c.range_start_integer::text as int_start, c.range_end_integer::text as int_end, c.is_compressed as compressed,
          coalesce(p.partitions, '[]'::json) as partitions,
          s.total_bytes::float8 as total, z.before_compression_total_bytes::float8 as before,
          z.after_compression_total_bytes::float8 as after
        from timescaledb_information.chunks c
        join wanted w on w.oid = format('%I.%I', c.chunk_schema, c.chunk_name)::regclass::oid
        left join slices p on p.oid = w.oid
        left join chunks_detailed_size(${target.regclass}::regclass) s on s.chunk_schema = c.chunk_schema and s.chunk_name = c.chunk_name
        left join chunk_compression_stats(${target.regclass}::regclass) z
          on z.chunk_schema = c.chunk_schema and z.chunk_name = c.chunk_name and z.compression_status = 'Compressed'
        where c.hypertable_schema = ${target.schema} and c.hypertable_name = ${target.name}
        order by coalesce(c.range_start_integer::numeric, extract(epoch from c.range_start)::numeric), c.chunk_name`,
  )
  const number = (v: number | null) => (v === null ? null : Number(v))
  return rows.map((r) => ({
    chunk: `${r.chunk_schema}.${r.chunk_name}`,
    rangeStart: r.range_start ?? (r.int_start === null ? null : Number(r.int_start)),
    rangeEnd: r.range_end ?? (r.int_end === null ? null : Number(r.int_end)),
    partitions: typeof r.partitions === 'string' ? JSON.parse(r.partitions) : r.partitions,
    compressed: r.compressed,
    totalBytes: number(r.total),
    beforeCompressionBytes: number(r.before),
    afterCompressionBytes: number(r.after),
  }))
}
