import { invalid, kindOf } from './invalid.ts'
import { validateEntityId } from './validate-text.ts'

/** Most distinct entity ids in one `getLatestValues` call. */
export const MAX_LATEST_ENTITY_IDS = 10_000

/**
 * Checks a list of entity ids (fields `entityIds[i]`) and returns the distinct ones in first-seen
 * order; more than {@link MAX_LATEST_ENTITY_IDS} distinct ids is a `ValidationError` (field `entityIds`).
 */
export function validateEntityIds(input: unknown, field = 'entityIds'): string[] {
  if (!Array.isArray(input)) throw invalid(field, `must be an array of entity ids, not ${kindOf(input)}`)
  const ids = new Set<string>()
  for (let i = 0; i < input.length; i++) {
    ids.add(validateEntityId(input[i], `${field}[${i}]`))
    if (ids.size > MAX_LATEST_ENTITY_IDS) throw invalid(field, `must hold at most ${MAX_LATEST_ENTITY_IDS} distinct ids`)
  }
  return [...ids]
}
