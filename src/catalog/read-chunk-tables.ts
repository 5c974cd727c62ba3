import { type SQL, sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'

/** The chunk tables of a hypertable, as a read may name them one by one. */
export interface ChunkTables {
  /** Whether the hypertable has compression (the columnstore) enabled: its chunks may hold compressed data. */
  compression: boolean
  /** Each chunk table's schema and name. */
  chunks: { schema: string; name: string }[]
}

/**
 * The chunk tables of the hypertable `tableText` names (as SQL text, resolved by the search
 * path), without those wholly before `notBefore` (a value of the time column, as SQL) when given:
 * `show_chunks` and the chunks' `pg_class` rows, and the hypertable's compression state from
 * TimescaleDB's catalog table (the `compression_state` column of 2.0 to 2.29; 0 = off).
 */
export async function readChunkTables(db: AnyPgDatabase, tableText: string, notBefore?: SQL): Promise<ChunkTables> {
  const older =
    notBefore === undefined ? sql`` : sql` except select o from show_chunks(${tableText}::regclass, older_than => ${notBefore}) o`
  const [row] = await queryRows<{ compression: boolean; chunks: { schema: string; name: string }[] | string | null }>(
    db,
    sql`select coalesce((select h.compression_state <> 0 from _timescaledb_catalog.hypertable h
          where format('%I.%I', h.schema_name, h.table_name)::regclass = ${tableText}::regclass), false) as compression,
        (select json_agg(json_build_object('schema', n.nspname, 'name', c.relname))
          from (select s from show_chunks(${tableText}::regclass) s${older}) w(s)
          join pg_class c on c.oid = w.s join pg_namespace n on n.oid = c.relnamespace) as chunks`,
  )
  const chunks = row?.chunks ?? []
  return { compression: row?.compression === true, chunks: typeof chunks === 'string' ? JSON.parse(chunks) : chunks }
}
