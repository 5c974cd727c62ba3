import type { Metadata } from '../schema/time-series-data.ts'

/** An entity as read back; timestamps as ISO 8601 UTC strings. */
export interface EntityRecord {
  entity_id: string
  entity_type: string
  name: string | null
  is_active: boolean
  metadata: Metadata | null
  created_at: string
  updated_at: string
}

/** An entity to create or update; `entity_id` is generated (cuid2) when omitted. */
export interface EntityInput {
  entity_id?: string
  entity_type: string
  name?: string | null
  is_active?: boolean
  metadata?: Metadata | null
}

/** Filters of `listEntities`. */
export interface ListEntitiesOptions {
  entityType?: string
  isActive?: boolean
  /** Default 1000, at most {@link MAX_LIMIT}. */
  limit?: number
  offset?: number
}
