import { type SQL, sql } from 'drizzle-orm'
import type { DimensionSpec, HypertableSpec } from '../hypertable.ts'
import { regclassText } from '../identifier.ts'

/**
 * `create_hypertable` with the time dimension and its chunk interval (`migrate_data`: a table
 * that already has rows is converted), then `add_dimension` for each hash dimension. Idempotent.
 *
 * @see https://docs.timescale.com/api/latest/hypertable/create_hypertable/
 * @see https://docs.timescale.com/api/latest/hypertable/add_dimension/
 */
export function createHypertableSql(spec: HypertableSpec): SQL[] {
  const table = regclassText(spec)
  const indexes = sql.raw(spec.createDefaultIndexes ? 'TRUE' : 'FALSE')
  return [
    sql`SELECT create_hypertable(${table}, by_range(${spec.time}, INTERVAL ${spec.chunkInterval}), create_default_indexes => ${indexes}, if_not_exists => TRUE, migrate_data => TRUE)`,
    ...spec.dimensions.map((d) => addDimensionSql(spec, d)),
  ]
}

/** `add_dimension` of a hash or range dimension (TimescaleDB refuses it on a hypertable that has rows). */
export function addDimensionSql(spec: HypertableSpec, dimension: DimensionSpec): SQL {
  const by =
    'partitions' in dimension
      ? sql`by_hash(${dimension.column}, ${dimension.partitions})`
      : sql`by_range(${dimension.column}, ${rangeInterval(dimension.interval)})`
  return sql`SELECT add_dimension(${regclassText(spec)}, ${by}, if_not_exists => TRUE)`
}

/** `set_chunk_time_interval` of a range dimension other than time, for chunks created from now on. */
export function setDimensionIntervalSql(spec: HypertableSpec, dimension: { column: string; interval: string | number }): SQL {
  return sql`SELECT set_chunk_time_interval(${regclassText(spec)}, ${rangeInterval(dimension.interval)}, dimension_name => ${dimension.column})`
}

const rangeInterval = (interval: string | number): SQL =>
  typeof interval === 'number' ? sql.raw(String(interval)) : sql`INTERVAL ${interval}`

/**
 * `set_chunk_time_interval`: chunks created from now on have the new interval; existing ones keep theirs.
 *
 * @see https://docs.timescale.com/api/latest/hypertable/set_chunk_time_interval/
 */
export function setChunkIntervalSql(spec: HypertableSpec): SQL {
  return sql`SELECT set_chunk_time_interval(${regclassText(spec)}, INTERVAL ${spec.chunkInterval})`
}

/**
 * `set_number_partitions` of a hash dimension, for chunks created from now on.
 *
 * @see https://docs.timescale.com/api/latest/hypertable/set_number_partitions/
 */
export function setPartitionsSql(spec: HypertableSpec, dimension: { column: string; partitions: number }): SQL {
  return sql`SELECT set_number_partitions(${regclassText(spec)}, ${dimension.partitions}, ${dimension.column})`
}
