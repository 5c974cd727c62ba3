import { createId } from '@paralleldrive/cuid2'
import { sql } from 'drizzle-orm'
import { boolean, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import type { Metadata } from './time-series-data.ts'

/**
 * The `entities` table: what produces the measurements (a sensor, a server, an API, a machine).
 *
 * `entity_id` defaults to a cuid2 generated in the application when an insert gives none;
 * `updated_at` is set to `now()` by Drizzle on every `update`.
 *
 * @example
 * ```ts
 * import { entities } from 'drizzle-timescale/schema'
 *
 * const [sensor] = await db.insert(entities)
 *   .values({ entity_type: 'sensor', name: 'Warehouse A, room 3' })
 *   .returning()
 * ```
 */
export const entities = pgTable(
  'entities',
  {
    entity_id: text('entity_id')
      .primaryKey()
      .$defaultFn(() => createId()),
    entity_type: text('entity_type').notNull(),
    name: text('name'),
    is_active: boolean('is_active').notNull().default(true),
    metadata: jsonb('metadata').$type<Metadata>(),
    created_at: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    updated_at: timestamp('updated_at', { withTimezone: true, mode: 'string' })
      .notNull()
      .defaultNow()
      .$onUpdate(() => sql`now()`),
  },
  (t) => [index('ix_entities_entity_type').on(t.entity_type), index('ix_entities_is_active').on(t.is_active)],
)

/** An `entities` row as a `select` returns it. */
export type Entity = typeof entities.$inferSelect
/** An `entities` row as written (`entity_id` optional: a cuid2 is generated). */
export type NewEntity = typeof entities.$inferInsert
