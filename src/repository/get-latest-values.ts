import { sql } from 'drizzle-orm'
import { textArrayLiteral } from '../internal/pg-array-literal.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import type { LatestValue } from '../types.ts'
import { validateEntityIds } from '../validation/index.ts'
import { storedRecordColumns, toStoredRecord } from './stored-record.ts'

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
  try {
    const rows = await queryRows(
      db,
      sql`select ${storedRecordColumns}
      from unnest(${textArrayLiteral(ids)}::text::text[]) with ordinality as e(id, ord)
      cross join lateral (
        select * from time_series_data d where d.entity_id = e.id order by d.time desc limit 1
      ) t
      order by e.ord`,
    )
    return rows.map(toStoredRecord)
  } catch (error) {
    throw toTimescaleError(error, { operation: 'getLatestValues' })
  }
}
