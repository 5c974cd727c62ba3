import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { validateEntityId, validateRange, validateStreamOptions } from '../validation/index.ts'
import type { StreamOptions, TimeRange } from '../vocabulary/read-options.ts'
import type { StoredRecord } from '../vocabulary/record-types.ts'
import { streamRows } from './stream-rows.ts'
import { timeSeriesShape } from './time-series-shape.ts'

/**
 * Yields every record of an entity in `[from, to)`, oldest first (or newest first with
 * `order: 'desc'`), fetching `pageSize` rows per query (default 1000) with keyset pagination on
 * `time` (unique per entity), so memory stays constant over millions of rows on every driver and
 * no cursor or connection is held between pages. `range.limit` and `range.order` do not apply.
 *
 * Arguments are validated when it is called (a `ValidationError` is thrown then, not on the
 * first iteration); database errors surface from the iteration.
 *
 * @throws {ValidationError} fields `entityId`, `range*`, `pageSize`, `order`.
 * @example
 * ```ts
 * for await (const record of streamRecords(db, 'machine_001', {
 *   from: '2024-01-01T00:00:00Z',
 *   to: '2024-02-01T00:00:00Z',
 * }, { pageSize: 5000 })) {
 *   process(record)
 * }
 * ```
 */
export function streamRecords(
  db: AnyPgDatabase,
  entityId: string,
  range: TimeRange,
  options?: StreamOptions,
): AsyncGenerator<StoredRecord, void, undefined> {
  const id = validateEntityId(entityId)
  const bounds = validateRange(range)
  const { pageSize, order } = validateStreamOptions(options)
  return streamRows<StoredRecord>(
    db,
    timeSeriesShape,
    { where: { entity_id: id }, from: bounds.from, to: bounds.to, order, pageSize },
    'streamRecords',
  )
}
