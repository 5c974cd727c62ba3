import { sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { validateEntityId } from '../validation/index.ts'
import type { EntityRecord } from '../vocabulary/entity-types.ts'
import { entityColumns, toEntityRecord } from './entity-row.ts'

/**
 * The entity with this id, or `null`.
 *
 * @throws {ValidationError} field `entityId`.
 * @example
 * ```ts
 * const machine = await getEntity(db, 'machine_001')
 * if (machine?.is_active) console.log(machine.name)
 * ```
 */
export async function getEntity(db: AnyPgDatabase, entityId: string): Promise<EntityRecord | null> {
  const id = validateEntityId(entityId)
  try {
    const [row] = await queryRows(db, sql`select ${entityColumns} from entities e where e.entity_id = ${id}::text`)
    return row ? toEntityRecord(row) : null
  } catch (error) {
    throw toTimescaleError(error, { operation: 'getEntity' })
  }
}
