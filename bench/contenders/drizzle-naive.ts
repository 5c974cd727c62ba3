import { sql } from 'drizzle-orm'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { timeSeriesData } from '../../src/schema/index.ts'
import type { TimeSeriesRecord } from '../../src/types.ts'

/** Rows per statement: Drizzle binds 7 parameters per row; postgres.js refuses 65,534 or more. */
export const MAX_ROWS_POSTGRES_JS = Math.floor(65_533 / 7)
/** PGlite reads the parameter count as a signed 16-bit number: at most 32,767. */
export const MAX_ROWS_PGLITE = Math.floor(32_767 / 7)

/** What a user writes without the package: `db.insert(t).values(batch).onConflictDoUpdate(...)`. */
export async function drizzleNaive(
  db: AnyPgDatabase,
  batches: readonly (readonly TimeSeriesRecord[])[],
  maxRows = MAX_ROWS_POSTGRES_JS,
): Promise<void> {
  for (const batch of batches) {
    for (let i = 0; i < batch.length; i += maxRows) {
      const rows = batch.slice(i, i + maxRows).map((r) => ({
        ...r,
        time: typeof r.time === 'string' ? r.time : r.time.toISOString(),
      }))
      await db
        .insert(timeSeriesData)
        .values(rows)
        .onConflictDoUpdate({
          target: [timeSeriesData.entity_id, timeSeriesData.time],
          set: {
            value: sql`excluded.value`,
            value2: sql`excluded.value2`,
            value3: sql`excluded.value3`,
            value4: sql`excluded.value4`,
            metadata: sql`excluded.metadata`,
          },
        })
    }
  }
}
