import { invalid, kindOf } from './invalid.ts'

/** Longest time zone name accepted. */
export const MAX_TIME_ZONE_LENGTH = 64

// IANA names (`America/Argentina/Buenos_Aires`, `Etc/GMT+5`) and abbreviations (`UTC`, `EST5EDT`).
const NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,3}$/

/**
 * Checks the shape of a time zone name: an IANA-like name (`Europe/Berlin`) or `UTC`, at most 64
 * characters. Whether the server knows it is checked by the server; an unknown name becomes a
 * `ValidationError` with the same field.
 *
 * @example
 * ```ts
 * validateTimeZone('America/New_York') // 'America/New_York'
 * validateTimeZone("UTC'; drop table x; --") // throws ValidationError (field 'timeZone')
 * ```
 */
export function validateTimeZone(input: unknown, field = 'timeZone'): string {
  if (typeof input !== 'string') throw invalid(field, `must be a time zone name such as 'Europe/Berlin', not ${kindOf(input)}`)
  if (input.length > MAX_TIME_ZONE_LENGTH) throw invalid(field, `must be at most ${MAX_TIME_ZONE_LENGTH} characters long`)
  if (!NAME.test(input)) throw invalid(field, `must be a time zone name such as 'Europe/Berlin' or 'UTC'`)
  return input
}
