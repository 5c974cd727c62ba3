import { invalid } from './invalid.ts'

/**
 * Throws a `ValidationError` naming `field` unless `value` is `undefined` or a string.
 *
 * @example
 * ```ts
 * validateString(config.host, 'host')
 * ```
 */
export function validateString(value: unknown, field: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value
  throw invalid(field, `must be a string (got a ${value === null ? 'null' : typeof value})`)
}
