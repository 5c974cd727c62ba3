import { sql } from 'drizzle-orm'
import type { AnyPgDatabase } from '../internal/any-pg-database.ts'
import { queryRows } from '../internal/query-rows.ts'
import type { TableShape } from './table-shape.ts'

/** What a write needs to know of the server to size its transactions. */
export interface WriteLayout {
  /** The hypertable's chunk interval in milliseconds (`null`: not a hypertable, nothing to plan). */
  chunkIntervalMs: number | null
  /** Hash partitions of the space dimension (1 without one). */
  partitions: number
  /** Indexes of the hypertable (each chunk has its own copy of each: the locks a chunk costs). */
  indexes: number
  /** The server's `max_locks_per_transaction`. */
  maxLocksPerTransaction: number
  /** `timescaledb.max_tuples_decompressed_per_dml_transaction`; 0 means no limit (or no such setting). */
  decompressionLimit: number
  /** The end of the newest compressed chunk (ms since the Unix epoch), `null` when none is compressed. */
  compressedUntilMs: number | null
}

/** How long a read layout is trusted: chunk intervals and settings change rarely, compression often. */
const TRUSTED_MS = 30_000
const layouts = new WeakMap<object, Map<string, { layout: WriteLayout; readAt: number }>>()

/**
 * The write layout of a hypertable in `db`, read in one query and kept for 30 s per database
 * object and table. It only sizes transactions: when it is stale (a chunk compressed since), the write
 * still succeeds, the executor splits a transaction the server refused (write-in-transactions.ts).
 */
export async function writeLayoutOf(db: AnyPgDatabase, shape: TableShape): Promise<WriteLayout> {
  let ofDb = layouts.get(db)
  if (!ofDb) {
    ofDb = new Map()
    layouts.set(db, ofDb)
  }
  const known = ofDb.get(shape.tableText)
  if (known && performance.now() - known.readAt < TRUSTED_MS) return known.layout
  const TABLE = shape.tableText
  const [row] = await queryRows<{
    interval_ms: number | null
    partitions: number | null
    indexes: number | null
    max_locks: number
    decompression_limit: number | null
    compressed_until_ms: number | null
  }>(
    db,
    sql`with t as (
          select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.oid = to_regclass(${TABLE}))
        select
          (select (extract(epoch from d.time_interval) * 1000)::float8 from timescaledb_information.dimensions d, t
            where d.hypertable_schema = t.schema and d.hypertable_name = t.name and d.dimension_type = 'Time' limit 1) as interval_ms,
          (select d.num_partitions::int from timescaledb_information.dimensions d, t
            where d.hypertable_schema = t.schema and d.hypertable_name = t.name and d.dimension_type = 'Space' limit 1) as partitions,
          (select count(*)::int from pg_index i where i.indrelid = to_regclass(${TABLE})) as indexes,
          current_setting('max_locks_per_transaction')::int as max_locks,
          nullif(current_setting('timescaledb.max_tuples_decompressed_per_dml_transaction', true), '')::int as decompression_limit,
          (select (extract(epoch from max(k.range_end)) * 1000)::float8 from timescaledb_information.chunks k, t
            where k.hypertable_schema = t.schema and k.hypertable_name = t.name and k.is_compressed) as compressed_until_ms`,
  )
  const layout: WriteLayout = {
    chunkIntervalMs: positive(row?.interval_ms),
    partitions: Math.max(1, Number(row?.partitions ?? 1)),
    indexes: Math.max(0, Number(row?.indexes ?? 0)),
    maxLocksPerTransaction: Number(row?.max_locks ?? 64),
    decompressionLimit: Math.max(0, Number(row?.decompression_limit ?? 0)),
    compressedUntilMs: row?.compressed_until_ms == null ? null : Number(row.compressed_until_ms),
  }
  ofDb.set(shape.tableText, { layout, readAt: performance.now() })
  return layout
}

/** The time ranges (ms since the Unix epoch, `[start, end)`) of compressed chunks that overlap `[fromMs, toMs]`. */
export async function compressedRanges(db: AnyPgDatabase, shape: TableShape, fromMs: number, toMs: number): Promise<[number, number][]> {
  const TABLE = shape.tableText
  const rows = await queryRows<{ start_ms: number; end_ms: number }>(
    db,
    sql`select distinct (extract(epoch from k.range_start) * 1000)::float8 as start_ms, (extract(epoch from k.range_end) * 1000)::float8 as end_ms
        from timescaledb_information.chunks k
        join pg_namespace n on n.nspname = k.hypertable_schema
        join pg_class c on c.relnamespace = n.oid and c.relname = k.hypertable_name
        where c.oid = to_regclass(${TABLE}) and k.is_compressed
          and k.range_end > to_timestamp(${fromMs / 1000}::float8) and k.range_start <= to_timestamp(${toMs / 1000}::float8)
        order by 1`,
  )
  return rows.map((r) => [Number(r.start_ms), Number(r.end_ms)])
}

function positive(value: number | null | undefined): number | null {
  const n = Number(value)
  return value != null && Number.isFinite(n) && n > 0 ? n : null
}
