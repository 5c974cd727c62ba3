import type postgres from 'postgres'
import type { TimeSeriesRecord } from '../../src/types.ts'

const COLUMNS = 'time, entity_id, value, value2, value3, value4, metadata'

function escapeCopyText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
}

/** One row in COPY's text format, as a user would write it by hand. */
export function copyLine(r: TimeSeriesRecord): string {
  const time = typeof r.time === 'string' ? r.time : r.time.toISOString()
  const num = (v: number | null | undefined) => (v === null || v === undefined ? '\\N' : String(v))
  const meta = r.metadata === null || r.metadata === undefined ? '\\N' : escapeCopyText(JSON.stringify(r.metadata))
  return `${time}\t${escapeCopyText(r.entity_id)}\t${num(r.value)}\t${num(r.value2)}\t${num(r.value3)}\t${num(r.value4)}\t${meta}\n`
}

/** `records` as one COPY text payload. */
export function copyPayload(records: readonly TimeSeriesRecord[]): string {
  let text = ''
  for (const r of records) text += copyLine(r)
  return text
}

/**
 * The practical ceiling for one client: `COPY time_series_data FROM STDIN` through postgres.js,
 * one COPY per batch, no upsert (it fails on an existing key). Runs on a connection of its own
 * (`sql.reserve()`), so that concurrent writers never share one.
 */
export function rawCopy(sql: postgres.Sql, batches: readonly (readonly TimeSeriesRecord[])[]): Promise<void> {
  return copyEachBatch(sql, `copy time_series_data (${COLUMNS}) from stdin`, batches, copyPayload)
}

/** One COPY per batch of `statement`, each batch encoded by `payload`, on a reserved connection. */
export async function copyEachBatch(
  sql: postgres.Sql,
  statement: string,
  batches: readonly (readonly TimeSeriesRecord[])[],
  payload: (batch: readonly TimeSeriesRecord[]) => string | Uint8Array,
): Promise<void> {
  const connection = await sql.reserve()
  try {
    for (const batch of batches) {
      const writable = await connection.unsafe(statement).writable()
      await new Promise<void>((resolve, reject) => {
        writable.on('error', reject)
        writable.on('finish', resolve)
        writable.end(payload(batch))
      })
    }
  } finally {
    connection.release()
  }
}
