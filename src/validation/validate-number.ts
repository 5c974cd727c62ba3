import { invalid } from './invalid.ts'

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
 * const max = validateNumber(config.maxConnections, 'maxConnections', { min: 1, integer: true }) ?? 10
 * ```
 */
export function validateNumber(value: unknown, field: string, bounds: NumberBounds = {}): number | undefined {
  if (value === undefined) return undefined
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false } = bounds
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value))
  if (ok) return value
  const got = typeof value === 'number' ? String(value) : `a ${value === null ? 'null' : typeof value}`
  const kind = integer ? 'an integer' : 'a finite number'
  const range = [Number.isFinite(min) ? `>= ${min}` : '', Number.isFinite(max) ? `<= ${max}` : ''].filter(Boolean).join(' and ')
  throw invalid(field, `must be ${kind}${range ? ` ${range}` : ''} (got ${got})`)
}
