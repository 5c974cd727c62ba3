/** Runs a statement and returns its rows, whatever the database (postgres.js or PGlite). */
export type RawQuery = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>

/** Row count and an order-independent digest of every row of time_series_data. */
export interface Digest {
  rows: number
  digest: string
}

// Every column, time as integer microseconds (independent of the session's TimeZone), summed as
// 64-bit hashes: two tables with the same rows have the same digest, whatever their order.
const DIGEST_SQL = `select count(*)::int as rows, coalesce(sum(hashtextextended(concat_ws('|', entity_id,
    (extract(epoch from time) * 1000000)::bigint, value, value2, value3, value4, metadata::text), 0)::numeric), 0)::text as digest
  from time_series_data`

/** The digest of time_series_data. */
export async function tableDigest(query: RawQuery): Promise<Digest> {
  const [row] = await query(DIGEST_SQL)
  return { rows: Number(row?.rows), digest: String(row?.digest) }
}

/** Empties time_series_data (a hypertable: its chunks are dropped). */
export async function emptyTable(query: RawQuery): Promise<void> {
  await query('truncate time_series_data')
}
