import { is } from 'drizzle-orm'
import { getTableConfig, type PgTable, PgTable as PgTableClass } from 'drizzle-orm/pg-core'
import { checkIdentifier } from '../toolkit/identifier.ts'
import { invalid, kindOf } from '../validation/invalid.ts'

/**
 * What names a hypertable or a continuous aggregate for an operation: its declaration
 * (`hypertable(...)`, `continuousAggregate(...)`), its Drizzle table, or its name (`'readings'`,
 * `'metrics.readings'`; without a schema, `public`).
 */
export type RelationRef = string | PgTable | { readonly spec: { readonly schema: string; readonly name: string } }

/** A relation's schema and name, checked as identifiers. */
export interface RelationName {
  schema: string
  name: string
}

/**
 * The schema and name of a {@link RelationRef}.
 *
 * @throws {ValidationError} naming `field` when it is none of them or a name is not a valid identifier.
 */
export function relationName(ref: RelationRef, field: string): RelationName {
  if (typeof ref === 'string') {
    const dot = ref.indexOf('.')
    const [schema, name] = dot < 0 ? ['public', ref] : [ref.slice(0, dot), ref.slice(dot + 1)]
    return { schema: checkIdentifier(schema, field), name: checkIdentifier(name, field) }
  }
  if (is(ref, PgTableClass)) {
    const config = getTableConfig(ref)
    return { schema: config.schema ?? 'public', name: config.name }
  }
  if (typeof ref === 'object' && ref !== null && 'spec' in ref && typeof ref.spec?.name === 'string') {
    return { schema: ref.spec.schema, name: ref.spec.name }
  }
  throw invalid(field, `must be a declaration, a Drizzle table or a name, not ${kindOf(ref)}`)
}
