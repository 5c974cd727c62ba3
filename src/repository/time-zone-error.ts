import type { ValidationError } from '../errors.ts'
import { findPgError } from '../internal/pg-error.ts'
import { invalid } from '../validation/invalid.ts'

/** The `ValidationError` on `timeZone` when the server did not know the query's time zone (22023), else `undefined`. */
export function timeZoneError(error: unknown, timeZone: string | undefined, operation: string): ValidationError | undefined {
  const pg = findPgError(error)
  if (timeZone === undefined || pg?.code !== '22023' || !/time zone/i.test(pg.message)) return undefined
  return invalid('timeZone', `is not a time zone the server knows: ${pg.message}`, { sqlState: pg.code, operation }, error)
}
