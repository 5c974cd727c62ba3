import { type SQL, sql } from 'drizzle-orm'
import { invalid, isPlainObject, kindOf } from '../validation/invalid.ts'
import { validateInterval } from '../validation/validate-interval.ts'
import { TIME_CASTS, timeValueSql } from './time-value-sql.ts'

/**
 * Which chunks an operation takes, by where their time range ends or starts (TimescaleDB's
 * `show_chunks`): `olderThan` takes chunks whose whole range is before it, `newerThan` those whose
 * whole range is at or after it. Each is an interval before now (`'30 days'`), an instant (a
 * `Date` or ISO 8601 text with a zone offset), or, for an integer time column, a number.
 */
export interface ChunkWindow {
  olderThan?: Date | string | number
  newerThan?: Date | string | number
}

/** A checked window: the `show_chunks`/`drop_chunks` arguments for a time column of `type`. */
export interface CheckedWindow {
  olderThan: SQL | null
  newerThan: SQL | null
}

/**
 * Checks a {@link ChunkWindow} for a time column of `type` (`format_type` of the column) and
 * renders its bounds as SQL arguments.
 *
 * @throws {ValidationError} field `olderThan`/`newerThan` for a bound of the wrong kind.
 */
export function checkChunkWindow(window: unknown, type: string): CheckedWindow {
  if (window !== undefined && !isPlainObject(window)) throw invalid('window', `must be an object, not ${kindOf(window)}`)
  const w = (window ?? {}) as Record<string, unknown>
  for (const key of Object.keys(w)) {
    if (key !== 'olderThan' && key !== 'newerThan' && key !== 'onProgress')
      throw invalid(key, 'is not an option here (olderThan, newerThan)')
  }
  if (TIME_CASTS[type] === undefined) throw invalid('table', `has a time column of type ${type}, which no window can bound`)
  return { olderThan: bound(w.olderThan, 'olderThan', type), newerThan: bound(w.newerThan, 'newerThan', type) }
}

function bound(value: unknown, field: string, type: string): SQL | null {
  if (value === undefined || value === null) return null
  const integer = type === 'smallint' || type === 'integer' || type === 'bigint'
  if (!integer && typeof value === 'number') {
    throw invalid(field, `must be an interval or an instant for a ${type} time column, not a number`)
  }
  if (!integer && typeof value === 'string' && !/^\d{4}-\d\d-\d\d/.test(value.trim())) {
    return sql`${validateInterval(value, field).text}::interval`
  }
  return timeValueSql(value, field, type)
}
