import { sql } from 'drizzle-orm'
import { utcFromJson } from '../internal/iso-time.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import type { SortOrder, StoredRecord, StreamOptions, TimeRange } from '../types.ts'
import { type ValidRange, validateEntityId, validateRange, validateStreamOptions } from '../validation/index.ts'
import { storedRecordColumns, toStoredRecord } from './stored-record.ts'

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
  return pages(db, id, bounds, pageSize, order)
}

async function* pages(
  db: AnyPgDatabase,
  id: string,
  range: ValidRange,
  pageSize: number,
  order: SortOrder,
): AsyncGenerator<StoredRecord, void, undefined> {
  // timestamptz parameters, not text cast on the server: chunks outside the window are then
  // excluded while planning instead of planned and skipped at run time.
  const from = sql`${range.from}::timestamptz`
  const to = sql`${range.to}::timestamptz`
  let cursor: string | undefined
  for (;;) {
    // The next page starts strictly after the last row seen: `time` is unique per entity.
    const after = cursor === undefined ? sql`t.time >= ${from}` : sql`t.time > ${cursor}::timestamptz`
    const before = cursor === undefined ? sql`t.time < ${to}` : sql`t.time < ${cursor}::timestamptz`
    const window = order === 'asc' ? sql`${after} and t.time < ${to}` : sql`t.time >= ${from} and ${before}`
    let rows: Record<string, unknown>[]
    try {
      rows = await queryRows(
        db,
        sql`select ${storedRecordColumns} from time_series_data t
        where t.entity_id = ${id}::text and ${window}
        order by t.time ${sql.raw(order)} limit ${pageSize}`,
      )
    } catch (error) {
      throw toTimescaleError(error, { operation: 'streamRecords' })
    }
    for (const row of rows) yield toStoredRecord(row)
    const last = rows.at(-1)
    if (rows.length < pageSize || last === undefined) return
    // Canonical text, not the JSON text the row holds: it goes back as a timestamptz parameter.
    cursor = utcFromJson(String(last.time))
  }
}
