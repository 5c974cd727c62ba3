import { canonicalTimeFromDate, canonicalTimeFromText } from '../internal/iso-time.ts'
import { invalid, kindOf } from './invalid.ts'

/**
 * Checks an instant, a valid `Date` or an ISO 8601 string with a zone offset, and returns its
 * canonical UTC text with microseconds (`2024-01-15T05:00:00.123456Z`), which is what is sent
 * to the database (as `::timestamptz`) and what identifies a record's time.
 *
 * @example
 * ```ts
 * validateTime('2024-01-15T10:30:00.123456+05:30', 'time') // '2024-01-15T05:00:00.123456Z'
 * validateTime('2024-01-15T10:30:00', 'time')              // throws ValidationError: no offset
 * ```
 */
export function validateTime(input: unknown, field: string): string {
  let result: ReturnType<typeof canonicalTimeFromText>
  if (typeof input === 'string') result = canonicalTimeFromText(input)
  else if (Object.prototype.toString.call(input) === '[object Date]') result = canonicalTimeFromDate(input as Date)
  else throw invalid(field, `must be a Date or an ISO 8601 string with a zone offset, not ${kindOf(input)}`)
  if (!result.ok) throw invalid(field, result.reason)
  return result.text
}
