import { sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { invalid } from '../validation/invalid.ts'
import { type RelationName, type RelationRef, relationName } from './relation-name.ts'

/** A hypertable as the chunk operations need it. */
export interface HypertableTarget extends RelationName {
  /** `"schema"."name"`, the text its `regclass` is read from. */
  regclass: string
  /** `format_type` of its time (first) dimension's column: `timestamp with time zone`, `bigint`, ... */
  timeType: string
  compressionEnabled: boolean
  /** Indexes on the hypertable: each is one more relation to lock per chunk. */
  indexes: number
}

/**
 * Finds the hypertable `ref` names in this database; for a continuous aggregate, the hypertable
 * that holds its materialized rows (its chunks are the aggregate's).
 *
 * @throws {ValidationError} field `table` when it is neither a hypertable nor a continuous aggregate here.
 */
export async function hypertableTarget(db: AnyPgDatabase, ref: RelationRef): Promise<HypertableTarget> {
  const { schema, name } = relationName(ref, 'table')
  const [row] = await queryRows<{ type: string; compression: boolean; indexes: number }>(
    db,
    sql`select format_type(d.column_type, null) as type, h.compression_enabled as compression,
          (select count(*)::int from pg_index i where i.indrelid = format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) as indexes
        from timescaledb_information.hypertables h
        join timescaledb_information.dimensions d on d.hypertable_schema = h.hypertable_schema
          and d.hypertable_name = h.hypertable_name and d.dimension_number = 1
        where h.hypertable_schema = ${schema} and h.hypertable_name = ${name}`,
  )
  if (!row) return materializationOf(db, schema, name)
  return {
    schema,
    name,
    regclass: `"${schema}"."${name}"`,
    timeType: row.type,
    compressionEnabled: row.compression,
    indexes: Number(row.indexes),
  }
}

/*
 * A continuous aggregate's materialization hypertable is not in timescaledb_information.hypertables
 * or .dimensions: its time column's type is read from the internal catalog by name
 * (_timescaledb_catalog.hypertable and .dimension, unchanged from 2.0 to 2.29).
 */
async function materializationOf(db: AnyPgDatabase, schema: string, name: string): Promise<HypertableTarget> {
  const [row] = await queryRows<{ schema: string; name: string; type: string; compression: boolean; indexes: number }>(
    db,
    sql`select a.materialization_hypertable_schema as schema, a.materialization_hypertable_name as name,
          a.compression_enabled as compression,
          (select format_type(d.column_type, null) from _timescaledb_catalog.dimension d
            join _timescaledb_catalog.hypertable h on h.id = d.hypertable_id
            where h.schema_name = a.materialization_hypertable_schema and h.table_name = a.materialization_hypertable_name
            order by d.id limit 1) as type,
          (select count(*)::int from pg_index i
            where i.indrelid = format('%I.%I', a.materialization_hypertable_schema, a.materialization_hypertable_name)::regclass) as indexes
        from timescaledb_information.continuous_aggregates a
        where a.view_schema = ${schema} and a.view_name = ${name}`,
  )
  if (!row) throw invalid('table', `${schema}.${name} is not a hypertable or continuous aggregate of this database`)
  return {
    schema: row.schema,
    name: row.name,
    regclass: `"${row.schema}"."${row.name}"`,
    timeType: row.type,
    compressionEnabled: row.compression,
    indexes: Number(row.indexes),
  }
}
