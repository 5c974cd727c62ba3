import { type SQL, sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { validateListEntitiesOptions } from '../validation/index.ts'
import type { EntityRecord, ListEntitiesOptions } from '../vocabulary/entity-types.ts'
import { entityColumns, toEntityRecord } from './entity-row.ts'

/**
 * Entities ordered by `entity_id`, optionally only of one `entityType` and/or with `isActive`,
 * paged with `limit` (default 1000, at most 10,000) and `offset`.
 *
 * @throws {ValidationError} fields `entityType`, `isActive`, `limit`, `offset`.
 * @example
 * ```ts
 * const sensors = await listEntities(db, { entityType: 'sensor', isActive: true, limit: 100 })
 * ```
 */
export async function listEntities(db: AnyPgDatabase, options?: ListEntitiesOptions): Promise<EntityRecord[]> {
  const { entityType, isActive, limit, offset } = validateListEntitiesOptions(options)
  const filters: SQL[] = [sql`true`]
  if (entityType !== undefined) filters.push(sql`e.entity_type = ${entityType}::text`)
  if (isActive !== undefined) filters.push(sql`e.is_active = ${isActive}::boolean`)
  try {
    const rows = await queryRows(
      db,
      sql`select ${entityColumns} from entities e
      where ${sql.join(filters, sql` and `)}
      order by e.entity_id limit ${limit} offset ${offset}`,
    )
    return rows.map(toEntityRecord)
  } catch (error) {
    throw toTimescaleError(error, { operation: 'listEntities' })
  }
}
