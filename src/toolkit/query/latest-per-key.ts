import { getTableColumns, type SQL, sql } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { AnyPgDatabase } from '../../internal/any-pg-database.ts'
import { textArrayLiteral } from '../../internal/pg-array-literal.ts'
import { queryRows } from '../../internal/query-rows.ts'
import { toTimescaleError } from '../../to-timescale-error.ts'
import { invalid } from '../../validation/invalid.ts'
import type { ColumnKey, Hypertable } from '../hypertable.ts'

/** At most this many keys per call: one array parameter, one index probe each. */
export const MAX_LATEST_KEYS = 10_000

/**
 * The newest row of each key of a hypertable, in the order of `keys` (keys without rows are left
 * out). One query: the keys are unnested from one array parameter and each is looked up with a
 * `LATERAL ... ORDER BY time DESC LIMIT 1` index probe, the plan this package measured at 189x
 * `DISTINCT ON` for 1,000 keys (BENCHMARKS.md). It needs an index on `(key, time)` (a primary
 * key `(key, time)` is one).
 *
 * @throws {ValidationError} field `keys` (more than 10,000, or not strings/numbers), `key`.
 * @example
 * ```ts
 * const latest = await latestPerKey(db, readingsHypertable, 'deviceId', ['d-1', 'd-2'])
 * latest[0]?.temperature
 * ```
 */
export async function latestPerKey<T extends PgTable, K extends ColumnKey<T>>(
  db: AnyPgDatabase,
  hypertable: Hypertable<T>,
  key: K,
  keys: readonly (string | number)[],
): Promise<T['$inferSelect'][]> {
  const columns = getTableColumns(hypertable.table) as Record<string, PgColumn>
  const keyColumn = columns[key]
  if (!keyColumn) throw invalid('key', `must be a column key of ${hypertable.spec.name}`)
  if (!Array.isArray(keys) || keys.length > MAX_LATEST_KEYS) throw invalid('keys', `must be an array of at most ${MAX_LATEST_KEYS} keys`)
  keys.forEach((k, i) => {
    if (typeof k !== 'string' && typeof k !== 'number') throw invalid(`keys[${i}]`, 'must be a string or a number')
  })
  if (keys.length === 0) return []
  const distinct = [...new Set(keys.map(String))]
  const table: SQL = sql`${hypertable.table}`
  const time = sql.identifier(hypertable.spec.time)
  const keyName = sql.identifier(keyColumn.name)
  const keyType = sql.raw(keyColumn.getSQLType())
  try {
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`select t.* from unnest(${textArrayLiteral(distinct)}::text::${keyType}[]) with ordinality as k(key, ord)
          cross join lateral (select * from ${table} d where d.${keyName} = k.key order by d.${time} desc limit 1) t
          order by k.ord`,
    )
    return rows.map((row) => {
      const out: Record<string, unknown> = {}
      for (const [k, column] of Object.entries(columns)) {
        const value = row[column.name]
        out[k] = value === null || value === undefined ? null : column.mapFromDriverValue(value)
      }
      return out as T['$inferSelect']
    })
  } catch (error) {
    throw toTimescaleError(error, { operation: 'latestPerKey' })
  }
}
