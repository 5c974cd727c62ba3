import type { ListEntitiesOptions } from '../vocabulary/entity-types.ts'
import { DEFAULT_LIMIT } from '../vocabulary/read-options.ts'
import { validateBoolean, validateInteger, validateLimit, validateOptions } from './validate-options.ts'
import { MAX_ID_LENGTH, validateText } from './validate-text.ts'

const KEYS = ['entityType', 'isActive', 'limit', 'offset'] as const satisfies readonly (keyof ListEntitiesOptions)[]

/** Checks the filters of `listEntities`: `limit` 1..MAX_LIMIT (default 1000), `offset` a non-negative integer. */
export function validateListEntitiesOptions(input: unknown): {
  entityType: string | undefined
  isActive: boolean | undefined
  limit: number
  offset: number
} {
  const options = validateOptions(input, KEYS)
  return {
    entityType: options.entityType === undefined ? undefined : validateText(options.entityType, 'entityType', { maxLength: MAX_ID_LENGTH }),
    isActive: validateBoolean(options.isActive, 'isActive'),
    limit: validateLimit(options.limit, 'limit', DEFAULT_LIMIT),
    offset: validateInteger(options.offset, 'offset', 0, Number.MAX_SAFE_INTEGER, 0),
  }
}
