import { type SQL, sql } from 'drizzle-orm'
import { invalid, isPlainObject, kindOf } from '../validation/invalid.ts'
import { validateInterval } from '../validation/validate-interval.ts'
import { validateTime } from '../validation/validate-time.ts'

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

/** The time column types a bound is cast to (allow-listed: the cast is SQL text). */
const TIME_TYPES = ['timestamp with time zone', 'timestamp without time zone', 'date', 'smallint', 'integer', 'bigint'] as const
type TimeType = (typeof TIME_TYPES)[number]

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
  if (!(TIME_TYPES as readonly string[]).includes(type))
    throw invalid('table', `has a time column of type ${type}, which no window can bound`)
  return { olderThan: bound(w.olderThan, 'olderThan', type as TimeType), newerThan: bound(w.newerThan, 'newerThan', type as TimeType) }
}

function bound(value: unknown, field: string, type: TimeType): SQL | null {
  if (value === undefined || value === null) return null
  const integer = type === 'smallint' || type === 'integer' || type === 'bigint'
  if (integer) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(field, `must be an integer for a ${type} time column`)
    return sql`${value}::${sql.raw(type)}`
  }
  if (typeof value === 'number') throw invalid(field, `must be an interval or an instant for a ${type} time column, not a number`)
  if (typeof value === 'string' && !/^\d{4}-\d\d-\d\d/.test(value.trim())) return sql`${validateInterval(value, field).text}::interval`
  const instant = validateTime(value, field)
  if (type === 'timestamp with time zone') return sql`${instant}::timestamptz`
  const utc = sql`(${instant}::timestamptz at time zone 'UTC')`
  return type === 'date' ? sql`${utc}::date` : utc
}
