import type { TimeSeriesRecord } from '../../vocabulary/record-types.ts'
import type { SimulatedEntity } from './use-cases.ts'

/**
 * The records of `entities` at every `stepMs` from `from` (exclusive) to `to` (inclusive), in
 * batches of `batchSize`, time-major (all entities at one instant, then the next), so that each
 * entity's simulation advances in time order.
 */
export function* generateSeedRecords(
  entities: readonly SimulatedEntity[],
  from: number,
  to: number,
  stepMs: number,
  batchSize: number,
): Generator<TimeSeriesRecord[]> {
  let batch: TimeSeriesRecord[] = []
  for (let t = from + stepMs; t <= to; t += stepMs) {
    const time = new Date(t)
    const iso = time.toISOString()
    for (const e of entities) {
      batch.push({ entity_id: e.entity.entity_id, time: iso, ...e.read(time) })
      if (batch.length >= batchSize) {
        yield batch
        batch = []
      }
    }
  }
  if (batch.length > 0) yield batch
}
