import type { EntityInput } from '../vocabulary/entity-types.ts'
import { invalid, kindOf } from './invalid.ts'
import { validateMetadata } from './validate-metadata.ts'
import { validateBoolean, validateOptions } from './validate-options.ts'
import { MAX_ID_LENGTH, validateEntityId, validateText } from './validate-text.ts'

/** Longest entity `name`. */
export const MAX_NAME_LENGTH = 1000

/** A checked {@link EntityInput}; `undefined` means "not given" (keep the stored value on update). */
export interface ValidEntityInput {
  entity_id: string | undefined
  entity_type: string
  name: string | null | undefined
  is_active: boolean | undefined
  /** JSON text, `null`, or `undefined` when not given. */
  metadata: string | null | undefined
}

const KEYS = ['entity_id', 'entity_type', 'name', 'is_active', 'metadata'] as const satisfies readonly (keyof EntityInput)[]

/**
 * Checks an entity to upsert: `entity_id` optional (non-empty, at most 255 characters), `entity_type`
 * required (non-empty, at most 255), `name` at most 1000 characters or null, `is_active` boolean,
 * `metadata` as for records. Fields are the keys (`entity_type`, `metadata.owner`, ...), `entity`
 * when it is not an object.
 */
export function validateEntityInput(input: unknown): ValidEntityInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('entity', `must be an object, not ${kindOf(input)}`)
  }
  const entity = validateOptions(input, KEYS, 'entity')
  return {
    entity_id: entity.entity_id === undefined ? undefined : validateEntityId(entity.entity_id, 'entity_id'),
    entity_type: validateText(entity.entity_type, 'entity_type', { maxLength: MAX_ID_LENGTH }),
    name:
      entity.name === undefined || entity.name === null
        ? entity.name
        : validateText(entity.name, 'name', { maxLength: MAX_NAME_LENGTH, allowEmpty: true }),
    is_active: validateBoolean(entity.is_active, 'is_active'),
    metadata: entity.metadata === undefined ? undefined : validateMetadata(entity.metadata, 'metadata'),
  }
}
