import { getTableColumns } from 'drizzle-orm'
import { timeSeriesData } from '../schema/time-series-data.ts'
import type { TimeSeriesRecord } from '../vocabulary/record-types.ts'
import { invalid, kindOf } from './invalid.ts'
import { validateMetadata } from './validate-metadata.ts'
import { validateEntityId } from './validate-text.ts'
import { validateTime } from './validate-time.ts'

/**
 * A record that passed validation, ready to send: the table's row type with `time` in canonical UTC
 * text with microseconds (`2024-01-15T10:30:00.123456Z`), nulls for absent values, and metadata as
 * JSON text.
 */
export type ValidRecord = Omit<typeof timeSeriesData.$inferSelect, 'metadata'> & { metadata: string | null }

// The table's columns: a record may have no other key.
const RECORD_KEYS: ReadonlySet<string> = new Set(Object.keys(getTableColumns(timeSeriesData)))

/**
 * Checks one {@link TimeSeriesRecord} and returns it normalized. Throws a `ValidationError` whose
 * `details.field` names the first bad field (`entity_id`, `time`, `value3`, `metadata.tags[3]`,
 * an unknown key such as `valu2`, or `record` when it is not an object).
 *
 * @example
 * ```ts
 * validateRecord({ entity_id: 's1', time: '2024-01-15T10:30:00+05:30', value: 1 }).time
 * // '2024-01-15T05:00:00.000000Z'
 * ```
 */
export function validateRecord(input: unknown): ValidRecord {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('record', `must be an object, not ${kindOf(input)}`)
  }
  for (const key of Object.keys(input)) {
    if (!RECORD_KEYS.has(key)) throw invalid(key, `is not a field of a record (fields: ${[...RECORD_KEYS].join(', ')})`)
  }
  const record = input as Partial<Record<keyof TimeSeriesRecord, unknown>>
  const entity_id = validateEntityId(record.entity_id, 'entity_id')
  const time = validateTime(record.time, 'time')
  if (typeof record.value !== 'number') throw invalid('value', `must be a number, not ${kindOf(record.value)}`)
  if (!Number.isFinite(record.value)) throw invalid('value', 'must be a finite number (not NaN or Infinity)')
  const value2 = optionalNumber(record.value2, 'value2')
  const value3 = optionalNumber(record.value3, 'value3')
  const value4 = optionalNumber(record.value4, 'value4')
  const metadata = validateMetadata(record.metadata, 'metadata')
  return { entity_id, time, value: record.value, value2, value3, value4, metadata }
}

function optionalNumber(input: unknown, field: string): number | null {
  if (input === undefined || input === null) return null
  if (typeof input !== 'number') throw invalid(field, `must be a number or null, not ${kindOf(input)}`)
  if (!Number.isFinite(input)) throw invalid(field, 'must be a finite number (not NaN or Infinity)')
  return input
}
