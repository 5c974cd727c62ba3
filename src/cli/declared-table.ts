import { type TableShape, tableShape } from '../repository/table-shape.ts'
import type { AnyContinuousAggregate } from '../toolkit/continuous-aggregate.ts'
import { DECLARATION, isDeclaration } from '../toolkit/declaration-brand.ts'
import type { Hypertable } from '../toolkit/hypertable.ts'
import { importSchemaModules, resolveToolkitPaths } from '../toolkit/load-declarations.ts'
import { UsageError } from './usage-error.ts'

/** A hypertable declared in the project's schema modules, with the aggregates declared on it. */
export interface DeclaredTable {
  declaration: Hypertable
  shape: TableShape
  /** Every continuous aggregate of the schema whose hypertable this is (hierarchical ones included). */
  aggregates: AnyContinuousAggregate[]
}

/**
 * The hypertable declared under `name` (its SQL name, or `schema.name`) in the schema of
 * drizzle.config.ts (or `config`, or the `schema` module): what `--table` of `import` and `query`
 * reads. A usage error lists the declared ones when there is none by that name.
 */
export async function declaredTable(
  command: string,
  name: string,
  config: string | undefined,
  schema: string | undefined,
): Promise<DeclaredTable> {
  // No migrations folder is read: out is not asked for.
  const paths = await resolveToolkitPaths({ config, schema, out: '' })
  const values = (await importSchemaModules(paths.schema)).filter(isDeclaration)
  const hypertables = values.filter((v): v is Hypertable => v[DECLARATION] === 'hypertable')
  const found = hypertables.find((h) => h.key === name || h.spec.name === name)
  if (!found) {
    const names = hypertables.map((h) => h.key).join(', ') || 'none'
    throw new UsageError(`${command}: no hypertable '${name}' is declared in ${paths.schema.join(', ')} (declared: ${names})`)
  }
  const aggregates = values.filter(
    (v): v is AnyContinuousAggregate =>
      v[DECLARATION] === 'continuousAggregate' && (v as AnyContinuousAggregate).root.table === found.table,
  )
  return { declaration: found, shape: tableShape(found), aggregates }
}
