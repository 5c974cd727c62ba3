import type { SameKeys } from '../internal/same-keys.ts'
import type { Metadata, TimeSeriesInsert, TimeSeriesRow } from '../schema/time-series-data.ts'

export type { Metadata }

/**
 * One measurement: an entity, an instant, up to four numbers and optional JSON metadata.
 * The shape of a `time_series_data` row.
 *
 * `time` is a `Date` or an ISO 8601 string **with** a zone offset (`Z`, `+02:00`); a string
 * without one is rejected, never guessed. Microseconds in a string are kept.
 */
export interface TimeSeriesRecord {
  entity_id: string
  time: string | Date
  value: number
  value2?: number | null
  value3?: number | null
  value4?: number | null
  metadata?: Metadata | null
}

/**
 * A record as read back, the table's own row type (`typeof timeSeriesData.$inferSelect`): `time`
 * is an ISO 8601 UTC string with microseconds (`2024-01-15T10:30:00.123456Z`), absent optional
 * values are `null`.
 */
export type StoredRecord = TimeSeriesRow

/** The record with the newest `time` of one entity. */
export type LatestValue = StoredRecord

// The record type names exactly the table's columns (src/schema): adding a column there without
// here is a compile error. (It is written out, not inferred, for its `time: string | Date`.)
const recordMatchesTable: SameKeys<TimeSeriesRecord, TimeSeriesInsert> = true
void recordMatchesTable
