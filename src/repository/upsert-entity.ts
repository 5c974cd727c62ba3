import { createId } from '@paralleldrive/cuid2'
import { type SQL, sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { validateEntityInput } from '../validation/index.ts'
import type { EntityInput, EntityRecord } from '../vocabulary/entity-types.ts'
import { entityColumns, toEntityRecord } from './entity-row.ts'

/**
 * Creates an entity, or updates it when its `entity_id` exists, and returns the stored row.
 * Without `entity_id` a new one is generated (cuid2). On update only the given fields change
 * (`entity_type` always; `name`, `is_active`, `metadata` when not `undefined`; `null` clears) and
 * `updated_at` is set to `now()`. New entities are active unless `is_active: false`.
 *
 * @throws {ValidationError} fields `entity`, `entity_id`, `entity_type`, `name`, `is_active`, `metadata*`.
 * @example
 * ```ts
 * const sensor = await upsertEntity(db, { entity_type: 'sensor', name: 'Warehouse A, room 3' })
 * await upsertEntity(db, { entity_id: sensor.entity_id, entity_type: 'sensor', metadata: { floor: 2 } })
 * ```
 */
export async function upsertEntity(db: AnyPgDatabase, entity: EntityInput): Promise<EntityRecord> {
  const input = validateEntityInput(entity)
  const id = input.entity_id ?? createId()
  const updates: SQL[] = [sql`entity_type = excluded.entity_type`]
  if (input.name !== undefined) updates.push(sql`name = excluded.name`)
  if (input.is_active !== undefined) updates.push(sql`is_active = excluded.is_active`)
  if (input.metadata !== undefined) updates.push(sql`metadata = excluded.metadata`)
  updates.push(sql`updated_at = now()`)
  try {
    const [row] = await queryRows(
      db,
      sql`insert into entities as e (entity_id, entity_type, name, is_active, metadata)
      values (${id}::text, ${input.entity_type}::text, ${input.name ?? null}::text, ${input.is_active ?? true}::boolean,
        ${input.metadata ?? null}::text::jsonb)
      on conflict (entity_id) do update set ${sql.join(updates, sql`, `)}
      returning ${entityColumns}`,
    )
    if (!row) throw new Error('upsert returned no row')
    return toEntityRecord(row)
  } catch (error) {
    throw toTimescaleError(error, { operation: 'upsertEntity' })
  }
}
