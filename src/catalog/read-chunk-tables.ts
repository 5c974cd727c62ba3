import { sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { compressionEnabled } from './compression-enabled.ts'

/** The chunk tables of a hypertable, as a read may name them one by one. */
export interface ChunkTables {
  /** Whether the hypertable has compression (the columnstore) enabled: its chunks may hold compressed data. */
  compression: boolean
  /** Each chunk table's schema and name. */
  chunks: { schema: string; name: string }[]
}

/**
 * The chunk tables of the hypertable `tableText` names (as SQL text, resolved by the search
 * path): its inheritance children in `pg_inherits`, as TimescaleDB creates every chunk (a third
 * of `show_chunks`' time with 187 chunks on 2.19 here, where it was most of a `latest()` call),
 * and whether the hypertable has compression enabled ({@link compressionEnabled}). A compressed
 * chunk's data lives in a child of TimescaleDB's internal compressed hypertable, not here.
 */
export async function readChunkTables(db: AnyPgDatabase, tableText: string): Promise<ChunkTables> {
  const [row] = await queryRows<{ compression: boolean; chunks: { schema: string; name: string }[] | string | null }>(
    db,
    sql`select ${compressionEnabled(tableText)} as compression,
        (select json_agg(json_build_object('schema', n.nspname, 'name', c.relname))
          from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_namespace n on n.oid = c.relnamespace
          where i.inhparent = ${tableText}::regclass) as chunks`,
  )
  const chunks = row?.chunks ?? []
  return { compression: row?.compression === true, chunks: typeof chunks === 'string' ? JSON.parse(chunks) : chunks }
}
