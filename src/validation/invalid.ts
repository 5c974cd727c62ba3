import { ErrorCodes, ValidationError } from '../errors.ts'

/**
 * A {@link ValidationError} for one argument: the message starts with the field's path, and
 * `details.field` holds it (`time`, `value2`, `metadata.tags[3]`, `range.from`, `interval`).
 * Values are never copied into the message.
 */
export function invalid(field: string, reason: string, details: Record<string, unknown> = {}, cause?: unknown): ValidationError {
  return new ValidationError(`${field} ${reason}`, ErrorCodes.VALIDATION, {
    details: { ...details, field },
    ...(cause === undefined ? {} : { cause }),
  })
}

/** What a value is, for messages: `a string`, `a number`, `null`, `an array`, `a Date`, ... */
export function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  const type = typeof value
  if (type === 'object') {
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null
    const name = proto?.constructor?.name
    return proto === null || proto === Object.prototype ? 'an object' : `a ${typeof name === 'string' && name ? name : 'non-plain object'}`
  }
  if (type === 'undefined') return 'undefined'
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

/** True for `{}`-like objects: prototype `Object.prototype` or `null`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
