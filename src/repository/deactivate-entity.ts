import { sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { validateEntityId } from '../validation/index.ts'

/**
 * Marks an entity inactive (and sets `updated_at`). Returns `true` when a row changed, `false`
 * when the entity does not exist or already was inactive. Its records are kept.
 *
 * @throws {ValidationError} field `entityId`.
 * @example
 * ```ts
 * if (await deactivateEntity(db, 'server_prod_01')) console.log('retired')
 * ```
 */
export async function deactivateEntity(db: AnyPgDatabase, entityId: string): Promise<boolean> {
  const id = validateEntityId(entityId)
  try {
    const rows = await queryRows(
      db,
      sql`update entities set is_active = false, updated_at = now()
      where entity_id = ${id}::text and is_active returning entity_id`,
    )
    return rows.length > 0
  } catch (error) {
    throw toTimescaleError(error, { operation: 'deactivateEntity' })
  }
}
