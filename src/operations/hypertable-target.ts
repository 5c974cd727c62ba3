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
 * Finds the hypertable `ref` names in this database.
 *
 * @throws {ValidationError} field `table` when it is not a hypertable here.
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
  if (!row) throw invalid('table', `${schema}.${name} is not a hypertable of this database`)
  return {
    schema,
    name,
    regclass: `"${schema}"."${name}"`,
    timeType: row.type,
    compressionEnabled: row.compression,
    indexes: Number(row.indexes),
  }
}
