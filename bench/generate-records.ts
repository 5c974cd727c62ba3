import type { TimeSeriesRecord } from '../src/types.ts'

/** Shape of a generated load. */
export interface LoadShape {
  rows: number
  entities: number
  /** First timestamp (ms since epoch). */
  start: number
  /** Time between two rows of one entity (ms). */
  stepMs: number
  /** Salt: a different salt gives different values for the same keys (for conflicting upserts). */
  salt?: number
}

/**
 * Deterministic records: entity `i % entities` at `start + floor(i / entities) * stepMs`, so
 * consecutive records walk through time like a live feed (chunk-ordered), with values that look
 * like sensor data and a small metadata object.
 */
export function generateRecords(shape: LoadShape): TimeSeriesRecord[] {
  const records: TimeSeriesRecord[] = new Array(shape.rows)
  const salt = shape.salt ?? 0
  for (let i = 0; i < shape.rows; i++) {
    const entity = i % shape.entities
    const tick = Math.floor(i / shape.entities)
    records[i] = {
      entity_id: `entity-${String(entity).padStart(4, '0')}`,
      time: new Date(shape.start + tick * shape.stepMs).toISOString(),
      value: Math.round((20 + 5 * Math.sin(tick / 60 + entity) + salt) * 1000) / 1000,
      value2: Math.round((50 + 10 * Math.cos(tick / 90)) * 100) / 100,
      value3: entity % 3 === 0 ? null : 1000 + (tick % 17),
      value4: null,
      metadata: { site: `site-${entity % 10}`, firmware: `1.${entity % 4}`, salt },
    }
  }
  return records
}

/** Splits `items` into consecutive batches of `size`. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
