import { MAX_LIMIT, type SortOrder } from '../vocabulary/read-options.ts'
import { invalid, kindOf } from './invalid.ts'

/**
 * Checks an options argument: `undefined` (no options) or an object whose keys are all in `allowed`
 * (so a misspelt option fails instead of being ignored).
 */
export function validateOptions(input: unknown, allowed: readonly string[], field = 'options'): Record<string, unknown> {
  if (input === undefined) return {}
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid(field, `must be an object, not ${kindOf(input)}`)
  }
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) throw invalid(prefixed(field, key), `is not an option (options: ${allowed.join(', ')})`)
  }
  return input as Record<string, unknown>
}

/** Checks an integer in `[min, max]`; `undefined` gives `fallback`. */
export function validateInteger(input: unknown, field: string, min: number, max: number, fallback: number): number {
  if (input === undefined) return fallback
  if (typeof input !== 'number' || !Number.isInteger(input)) throw invalid(field, `must be an integer, not ${kindOf(input)}`)
  if (input < min || input > max) throw invalid(field, `must be between ${min} and ${max}`)
  return input
}

/** Checks a row limit: an integer from 1 to {@link MAX_LIMIT}. */
export function validateLimit(input: unknown, field: string, fallback: number): number {
  return validateInteger(input, field, 1, MAX_LIMIT, fallback)
}

/** Checks a sort order, `'asc'` or `'desc'`. */
export function validateSortOrder(input: unknown, field: string, fallback: SortOrder): SortOrder {
  if (input === undefined) return fallback
  if (input !== 'asc' && input !== 'desc') throw invalid(field, `must be 'asc' or 'desc'`)
  return input
}

/** Checks an optional boolean. */
export function validateBoolean(input: unknown, field: string): boolean | undefined {
  if (input === undefined) return undefined
  if (typeof input !== 'boolean') throw invalid(field, `must be a boolean, not ${kindOf(input)}`)
  return input
}

/** `range` + `from` → `range.from`; `options` + `limit` → `limit`. */
export function prefixed(field: string, key: string): string {
  return field === 'options' ? key : `${field}.${key}`
}
