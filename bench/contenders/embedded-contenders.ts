import type { PGlite } from '@electric-sql/pglite'
import type { TimeSeriesRecord } from '../../src/types.ts'
import { MAX_ROWS_PGLITE } from './drizzle-naive.ts'
import { copyPayload } from './raw-copy.ts'

/*
 * The embedded database's own ways to write rows, for the embedded column: PGlite has no COPY
 * FROM STDIN; its COPY reads a Blob as the file /dev/blob.
 * https://pglite.dev/docs/api#query
 */

const COLUMNS = 'time, entity_id, value, value2, value3, value4, metadata'

/** Raw COPY into time_series_data through PGlite's /dev/blob, one per batch, no upsert. */
export async function pgliteCopy(pglite: PGlite, batches: readonly (readonly TimeSeriesRecord[])[]): Promise<void> {
  for (const batch of batches) {
    await pglite.query(`copy time_series_data (${COLUMNS}) from '/dev/blob'`, [], { blob: new Blob([copyPayload(batch)]) })
  }
}

/** The design's multi-row VALUES upsert, as parameters through PGlite. */
export async function pgliteValues(pglite: PGlite, batches: readonly (readonly TimeSeriesRecord[])[]): Promise<void> {
  for (const batch of batches) {
    for (let i = 0; i < batch.length; i += MAX_ROWS_PGLITE) {
      const rows = batch.slice(i, i + MAX_ROWS_PGLITE)
      const params: unknown[] = []
      const tuples = rows.map((r) => {
        const at = params.length
        params.push(
          typeof r.time === 'string' ? r.time : r.time.toISOString(),
          r.entity_id,
          r.value,
          r.value2 ?? null,
          r.value3 ?? null,
          r.value4 ?? null,
          r.metadata ? JSON.stringify(r.metadata) : null,
        )
        return `($${at + 1}::timestamptz, $${at + 2}, $${at + 3}::float8, $${at + 4}::float8, $${at + 5}::float8, $${at + 6}::float8, $${at + 7}::jsonb)`
      })
      await pglite.query(
        `insert into time_series_data (${COLUMNS}) values ${tuples.join(', ')}
         on conflict (entity_id, time) do update set value = excluded.value, value2 = excluded.value2,
           value3 = excluded.value3, value4 = excluded.value4, metadata = excluded.metadata`,
        params,
      )
    }
  }
}
