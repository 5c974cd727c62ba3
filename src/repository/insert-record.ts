import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import type { TimeSeriesRecord } from '../vocabulary/record-types.ts'
import { timeSeriesShape } from './time-series-shape.ts'
import { unnestRows } from './unnest-rows.ts'
import { writeTargetOf } from './write-target.ts'

/**
 * Writes one record; a record with the same `(entity_id, time)` is replaced (upsert).
 * The record is validated first; nothing is sent when it is invalid. Not retried: it may run
 * inside the caller's transaction.
 *
 * @throws {ValidationError} `details.field` names the bad field (`time`, `value2`, `metadata.tags[3]`).
 * @example
 * ```ts
 * await insertRecord(db, {
 *   entity_id: 'temp_sensor_01',
 *   time: '2024-01-15T10:30:00.123456Z',
 *   value: 23.5,
 *   value2: 65.2,
 *   metadata: { location: 'warehouse_a' },
 * })
 * ```
 * @see https://docs.timescale.com/use-timescale/latest/write-data/upsert/
 */
export async function insertRecord(db: AnyPgDatabase, record: TimeSeriesRecord): Promise<void> {
  const row = timeSeriesShape.encode(record)
  try {
    await db.execute(unnestRows(writeTargetOf(timeSeriesShape, [row]), [row]))
  } catch (error) {
    throw toTimescaleError(error, { operation: 'insertRecord' })
  }
}
