import { ErrorCodes, ValidationError } from '../errors.ts'

/** Bounds of a numeric option; `integer` also rejects fractions. */
export interface NumberBounds {
  min?: number
  max?: number
  integer?: boolean
}

/**
 * Returns `value` when it is a finite number within `bounds`, `undefined` when it is `undefined`,
 * and throws a `ValidationError` naming `field` otherwise. Only numbers are echoed in the message:
 * option values may be secrets.
 *
 * @example
 * ```ts
 * const max = checkNumber('maxConnections', config.maxConnections, { min: 1, integer: true }) ?? 10
 * ```
 */
export function checkNumber(field: string, value: unknown, bounds: NumberBounds = {}): number | undefined {
  if (value === undefined) return undefined
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false } = bounds
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value))
  if (ok) return value
  const got = typeof value === 'number' ? String(value) : `a ${value === null ? 'null' : typeof value}`
  const kind = integer ? 'an integer' : 'a finite number'
  const range = [Number.isFinite(min) ? `>= ${min}` : '', Number.isFinite(max) ? `<= ${max}` : ''].filter(Boolean).join(' and ')
  throw new ValidationError(`${field} must be ${kind}${range ? ` ${range}` : ''} (got ${got})`, ErrorCodes.VALIDATION, {
    details: { field },
  })
}

/**
 * Throws a `ValidationError` naming `field` unless `value` is `undefined` or a string.
 *
 * @example
 * ```ts
 * checkString('host', config.host)
 * ```
 */
export function checkString(field: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value
  throw new ValidationError(`${field} must be a string (got a ${value === null ? 'null' : typeof value})`, ErrorCodes.VALIDATION, {
    details: { field },
  })
}
