import { type SQL, sql } from 'drizzle-orm'
import { utcText } from '../internal/iso-time.ts'
import type { EntityRecord } from '../vocabulary/entity-types.ts'
import type { Metadata } from '../vocabulary/record-types.ts'

/** Columns of an `entities` row aliased `e`, timestamps as UTC text with microseconds, metadata as JSON text. */
export const entityColumns: SQL = sql`e.entity_id, e.entity_type, e.name, e.is_active, e.metadata::text as metadata,
  ${utcText(sql`e.created_at`)} as created_at, ${utcText(sql`e.updated_at`)} as updated_at`

/** A row selected with {@link entityColumns} as an {@link EntityRecord}. */
export function toEntityRecord(row: Record<string, unknown>): EntityRecord {
  return {
    entity_id: String(row.entity_id),
    entity_type: String(row.entity_type),
    name: row.name === null || row.name === undefined ? null : String(row.name),
    is_active: row.is_active === true || row.is_active === 't',
    metadata: row.metadata === null || row.metadata === undefined ? null : (JSON.parse(String(row.metadata)) as Metadata),
    created_at: String(row.created_at),
    updated_at: String(row.updated_at),
  }
}
