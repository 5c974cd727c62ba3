import { invalid, isPlainObject, kindOf } from './invalid.ts'
import { unsafeTextReason } from './unsafe-text-reason.ts'

/** Largest metadata, as UTF-8 bytes of its JSON text. */
export const MAX_METADATA_BYTES = 1024 * 1024
/** Deepest nesting of objects and arrays in metadata (the top-level object is depth 1). */
export const MAX_METADATA_DEPTH = 64

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/**
 * Checks metadata and returns its JSON text (or `null` for `null`/`undefined`). It must be a plain
 * object (prototype `Object.prototype` or `null`) holding, at any depth, only strings, finite
 * numbers, booleans, `null`, arrays and plain objects, with no cycle, at most 64 levels deep, no
 * `\u0000` or lone surrogate in any key or string, no own `__proto__` key, no getters, and at most
 * 1 MB of JSON: exactly what `jsonb` stores and gives back. Keys whose value is `undefined` are left
 * out, as `JSON.stringify` does. The error's field is the offending path.
 *
 * @example
 * ```ts
 * validateMetadata({ tags: ['a', 1n] }) // throws ValidationError, details.field 'metadata.tags[1]'
 * ```
 */
export function validateMetadata(input: unknown, field = 'metadata'): string | null {
  if (input === undefined || input === null) return null
  if (!isPlainObject(input)) throw invalid(field, `must be a plain JSON object, not ${kindOf(input)}`)
  const budget = { chars: 0, field }
  walk(input, field, 1, new Set(), budget)
  const json = JSON.stringify(input)
  if (Buffer.byteLength(json, 'utf8') > MAX_METADATA_BYTES) throw tooLarge(field)
  return json
}

type Budget = { chars: number; field: string }

function walk(value: unknown, path: string, depth: number, ancestors: Set<object>, budget: Budget): void {
  // A lower bound of the JSON size, so that huge (or shared-reference) inputs stop early.
  const spend = (chars: number) => {
    budget.chars += chars
    if (budget.chars > MAX_METADATA_BYTES) throw tooLarge(budget.field)
  }
  switch (typeof value) {
    case 'string': {
      const reason = unsafeTextReason(value)
      if (reason) throw invalid(path, reason)
      spend(value.length + 2)
      return
    }
    case 'number':
      if (!Number.isFinite(value)) throw invalid(path, 'must be a finite number (JSON has no NaN or Infinity)')
      spend(1)
      return
    case 'boolean':
      spend(4)
      return
    case 'object':
      break
    default:
      throw invalid(path, `cannot be stored as JSON: it is ${kindOf(value)}`)
  }
  if (value === null) {
    spend(4)
    return
  }
  if (ancestors.has(value)) throw invalid(path, 'is a circular reference')
  if (depth > MAX_METADATA_DEPTH) throw invalid(path, `is nested deeper than ${MAX_METADATA_DEPTH} levels`)
  ancestors.add(value)
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw invalid(path, `must be a plain array, not ${kindOf(value)}`)
    spend(2)
    for (let i = 0; i < value.length; i++) {
      if (!Object.hasOwn(value, i)) throw invalid(`${path}[${i}]`, 'is a hole or undefined, which JSON cannot hold')
      if (Object.getOwnPropertyDescriptor(value, i)?.get) throw invalid(`${path}[${i}]`, 'is a getter')
      walk(value[i], `${path}[${i}]`, depth + 1, ancestors, budget)
      spend(1)
    }
  } else {
    if (!isPlainObject(value)) throw invalid(path, `must be a plain JSON object, not ${kindOf(value)}`)
    if (Object.getOwnPropertySymbols(value).length > 0) throw invalid(path, 'has symbol keys, which JSON cannot hold')
    spend(2)
    for (const key of Object.keys(value)) {
      const child = IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`
      if (key === '__proto__') throw invalid(child, 'is an own __proto__ key, which is refused')
      const reason = unsafeTextReason(key)
      if (reason) throw invalid(child, `is a key that ${reason}`)
      const descriptor = Object.getOwnPropertyDescriptor(value, key)
      if (descriptor?.get || descriptor?.set) throw invalid(child, 'is a getter or setter')
      // Like JSON.stringify, a key whose value is undefined is left out.
      if (descriptor?.value === undefined) continue
      spend(key.length + 4)
      walk(descriptor.value, child, depth + 1, ancestors, budget)
    }
  }
  ancestors.delete(value)
}

function tooLarge(field: string) {
  return invalid(field, `is larger than ${MAX_METADATA_BYTES} bytes as JSON`)
}
