import { type SQL, sql } from 'drizzle-orm'
import { invalid } from '../validation/invalid.ts'
import { validateTime } from '../validation/validate-time.ts'

/**
 * The time column types an operation bounds (`format_type` of the column), each with its cast:
 * allow-listed, since the cast is SQL text.
 */
export const TIME_CASTS: Readonly<Record<string, string>> = {
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  date: 'date',
  smallint: 'smallint',
  integer: 'integer',
  bigint: 'bigint',
}

/**
 * A point on a time column of `type` (one of {@link TIME_CASTS}) as a SQL value of that type: an
 * integer for an integer column, an instant (a `Date` or ISO 8601 text with an offset) otherwise,
 * taken in UTC for `timestamp` and `date` columns.
 *
 * @throws {ValidationError} naming `field` for a value of the wrong kind.
 */
export function timeValueSql(value: unknown, field: string, type: string): SQL {
  if (type === 'smallint' || type === 'integer' || type === 'bigint') {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(field, `must be an integer for a ${type} time column`)
    return sql`${value}::${sql.raw(type)}`
  }
  const instant = validateTime(value, field)
  if (type === 'timestamp with time zone') return sql`${instant}::timestamptz`
  const utc = sql`(${instant}::timestamptz at time zone 'UTC')`
  return type === 'date' ? sql`${utc}::date` : utc
}
