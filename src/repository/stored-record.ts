import { type SQL, sql } from 'drizzle-orm'
import { utcFromJson, utcJson } from '../internal/iso-time.ts'
import type { Metadata, StoredRecord } from '../vocabulary/record-types.ts'

/*
 * Columns of a `time_series_data` row aliased `t`, as read back: `time` as UTC JSON text
 * (ISO 8601 whatever the session's TimeZone/DateStyle; made canonical by toStoredRecord), metadata
 * as JSON text parsed here, so every driver returns the same values.
 */
export const storedRecordColumns: SQL = sql`t.entity_id, ${utcJson(sql`t.time`)} as time, t.value, t.value2, t.value3, t.value4, t.metadata::text as metadata`

/** A row selected with {@link storedRecordColumns} as a {@link StoredRecord}. */
export function toStoredRecord(row: Record<string, unknown>): StoredRecord {
  return {
    entity_id: String(row.entity_id),
    time: utcFromJson(String(row.time)),
    value: Number(row.value),
    value2: nullableNumber(row.value2),
    value3: nullableNumber(row.value3),
    value4: nullableNumber(row.value4),
    metadata: row.metadata === null || row.metadata === undefined ? null : (JSON.parse(String(row.metadata)) as Metadata),
  }
}

/** A number, or `null`, from a driver value (a number, or a numeric string for some drivers). */
export function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value)
}
