import { invalid, kindOf } from './invalid.ts'
import { unsafeTextReason } from './unsafe-text-reason.ts'

/** Longest `entity_id` and `entity_type`, in UTF-16 code units. */
export const MAX_ID_LENGTH = 255

/**
 * Checks a string argument: a string, non-empty unless `allowEmpty`, at most `maxLength` UTF-16
 * code units, without `\u0000` or lone surrogates.
 */
export function validateText(input: unknown, field: string, options: { maxLength: number; allowEmpty?: boolean }): string {
  if (typeof input !== 'string') throw invalid(field, `must be a string, not ${kindOf(input)}`)
  if (input.length === 0 && !options.allowEmpty) throw invalid(field, 'must not be empty')
  if (input.length > options.maxLength) throw invalid(field, `must be at most ${options.maxLength} characters long`)
  const reason = unsafeTextReason(input)
  if (reason) throw invalid(field, reason)
  return input
}

/** Checks an entity id: a non-empty string of at most 255 characters, storable as text. */
export function validateEntityId(input: unknown, field = 'entityId'): string {
  return validateText(input, field, { maxLength: MAX_ID_LENGTH })
}
