import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { validateEntityIds } from '../validation/index.ts'
import type { LatestValue } from '../vocabulary/record-types.ts'
import { latestRows } from './latest-rows.ts'
import { timeSeriesShape } from './time-series-shape.ts'

/**
 * The newest record of each given entity, in the order of the ids (duplicates ignored); entities
 * without data are left out. One query: the ids are unnested from a single array parameter and
 * each is looked up with a `LATERAL` index scan (`ORDER BY time DESC LIMIT 1`), which stays fast
 * for thousands of entities where `DISTINCT ON` would scan the hypertable. At most 10,000 ids;
 * an empty list returns `[]` without a query.
 *
 * @throws {ValidationError} fields `entityIds` and `entityIds[i]`.
 * @example
 * ```ts
 * const latest = await getLatestValues(db, ['server_prod_01', 'server_prod_02'])
 * for (const row of latest) console.log(row.entity_id, row.time, row.value)
 * ```
 * @see https://docs.timescale.com/use-timescale/latest/query-data/select/
 */
export async function getLatestValues(db: AnyPgDatabase, entityIds: readonly string[]): Promise<LatestValue[]> {
  const ids = validateEntityIds(entityIds)
  if (ids.length === 0) return []
  return latestRows<LatestValue>(db, timeSeriesShape, { keys: ids }, 'getLatestValues')
}
