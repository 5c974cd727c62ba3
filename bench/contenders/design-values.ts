import type postgres from 'postgres'
import type { TimeSeriesRecord } from '../../src/types.ts'

const MAX_ROWS_PER_STATEMENT = Math.floor(65_533 / 7)

/** ARCHITECTURE.md's insertManyRecords: a multi-row `VALUES` upsert through postgres.js. */
export async function designValues(sql: postgres.Sql, batches: readonly (readonly TimeSeriesRecord[])[]): Promise<void> {
  for (const batch of batches) {
    for (let i = 0; i < batch.length; i += MAX_ROWS_PER_STATEMENT) {
      const rows = batch
        .slice(i, i + MAX_ROWS_PER_STATEMENT)
        .map((r) => [
          typeof r.time === 'string' ? r.time : r.time.toISOString(),
          r.entity_id,
          r.value,
          r.value2 ?? null,
          r.value3 ?? null,
          r.value4 ?? null,
          r.metadata ? JSON.stringify(r.metadata) : null,
        ])
      await sql`
        INSERT INTO time_series_data (time, entity_id, value, value2, value3, value4, metadata)
        VALUES ${sql(rows as never)}
        ON CONFLICT (entity_id, time) DO UPDATE SET
          value = EXCLUDED.value, value2 = EXCLUDED.value2, value3 = EXCLUDED.value3,
          value4 = EXCLUDED.value4, metadata = EXCLUDED.metadata`
    }
  }
}
