import { type SQL, sql } from 'drizzle-orm'
import type { HypertableSpec } from '../hypertable.ts'
import { qualifiedName, regclassText } from '../identifier.ts'
import { byColumnstoreVersion, tslOnly } from './tsl-only.ts'

type Compression = NonNullable<HypertableSpec['compression']>

/**
 * Turns the columnstore (compression) on with its segment-by and order-by columns, or changes
 * them: `timescaledb.enable_columnstore`/`segmentby`/`orderby` on 2.18+, `timescaledb.compress*`
 * before. An empty segment-by is written as `''` so TimescaleDB does not pick one itself.
 *
 * @see https://docs.timescale.com/api/latest/hypercore/alter_table/
 */
export function enableColumnstoreSql(spec: HypertableSpec, compression: Compression): SQL {
  const table = qualifiedName(spec)
  const segmentBy = compression.segmentBy.map((c) => `"${c}"`).join(', ')
  const orderBy = compression.orderBy.map((o) => o.replace(/^(.*) (ASC|DESC)$/, '"$1" $2')).join(', ')
  return tslOnly(
    `the columnstore (compression) of ${spec.schema}.${spec.name}`,
    byColumnstoreVersion(
      sql`    ALTER TABLE ${table} SET (timescaledb.enable_columnstore = true, timescaledb.segmentby = ${segmentBy}, timescaledb.orderby = ${orderBy});`,
      sql`    ALTER TABLE ${table} SET (timescaledb.compress, timescaledb.compress_segmentby = ${segmentBy}, timescaledb.compress_orderby = ${orderBy});`,
    ),
  )
}

/** Turns the columnstore off (TimescaleDB refuses while chunks are still compressed) and removes its policy. */
export function disableColumnstoreSql(spec: HypertableSpec): SQL {
  const table = qualifiedName(spec)
  return tslOnly(
    `the columnstore (compression) of ${spec.schema}.${spec.name}`,
    byColumnstoreVersion(
      sql`    CALL remove_columnstore_policy(${regclassText(spec)}, if_exists => TRUE);
    ALTER TABLE ${table} SET (timescaledb.enable_columnstore = false);`,
      sql`    PERFORM remove_compression_policy(${regclassText(spec)}, if_exists => TRUE);
    ALTER TABLE ${table} SET (timescaledb.compress = false);`,
    ),
  )
}

/**
 * The columnstore policy (compress chunks older than `after`): with `replace`, the old one is
 * removed first (a change); without, it is only added (a new hypertable). Idempotent.
 *
 * @see https://docs.timescale.com/api/latest/hypercore/add_columnstore_policy/
 */
export function columnstorePolicySql(spec: HypertableSpec, after: string | null, replace = true): SQL {
  const table = regclassText(spec)
  const add = (current: boolean) =>
    after === null
      ? sql``
      : current
        ? sql`\n    CALL add_columnstore_policy(${table}, after => INTERVAL ${after}, if_not_exists => TRUE);`
        : sql`\n    PERFORM add_compression_policy(${table}, compress_after => INTERVAL ${after}, if_not_exists => TRUE);`
  return tslOnly(
    `the columnstore policy of ${spec.schema}.${spec.name}`,
    byColumnstoreVersion(
      replace ? sql`    CALL remove_columnstore_policy(${table}, if_exists => TRUE);${add(true)}` : add(true),
      replace ? sql`    PERFORM remove_compression_policy(${table}, if_exists => TRUE);${add(false)}` : add(false),
    ),
  )
}
