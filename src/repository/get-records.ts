import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { validateEntityId, validateRange } from '../validation/index.ts'
import type { RecordRange } from '../vocabulary/read-options.ts'
import type { StoredRecord } from '../vocabulary/record-types.ts'
import { rangeRows } from './range-rows.ts'
import { timeSeriesShape } from './time-series-shape.ts'

/**
 * Reads an entity's records in the half-open range `[from, to)`, newest first unless
 * `range.order` is `'asc'`, at most `range.limit` rows (default 1000, at most 10,000; read more
 * with `streamRecords`). `time` comes back as UTC text with microseconds.
 *
 * @throws {ValidationError} fields `entityId`, `range`, `range.from`, `range.to`, `range.limit`, `range.order`.
 * @example
 * ```ts
 * const rows = await getRecords(db, 'temp_sensor_01', {
 *   from: '2024-01-15T00:00:00Z',
 *   to: '2024-01-16T00:00:00Z',
 *   order: 'asc',
 * })
 * rows[0]?.time // '2024-01-15T10:30:00.123456Z'
 * ```
 */
export async function getRecords(db: AnyPgDatabase, entityId: string, range: RecordRange): Promise<StoredRecord[]> {
  const id = validateEntityId(entityId)
  const { from, to, limit, order } = validateRange(range)
  return rangeRows<StoredRecord>(db, timeSeriesShape, { where: { entity_id: id }, from, to, order, limit }, 'getRecords')
}
