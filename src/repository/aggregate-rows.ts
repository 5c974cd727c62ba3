import { type SQL, sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { type Measure, measureExpression } from '../toolkit/measures.ts'
import { invalid, isPlainObject, kindOf } from '../validation/invalid.ts'
import { validateOptions } from '../validation/validate-options.ts'
import { checkFilter } from './read-filter.ts'
import type { ShapeColumn, TableShape } from './table-shape.ts'

/** Measures checked against the table: `[name, measure]` with their select expressions. */
export function checkMeasures(shape: TableShape, table: object, input: unknown): { name: string; measure: Measure; expression: SQL }[] {
  if (!isPlainObject(input) || Object.keys(input).length === 0) {
    throw invalid('measures', `must be an object of at least one measure (measure.avg(table.column), ...), not ${kindOf(input)}`)
  }
  const time = shape.columns[shape.time] as ShapeColumn
  return Object.entries(input).map(([name, m]) => {
    const measure = m as Measure
    if (typeof measure !== 'object' || measure === null || typeof measure.kind !== 'string') {
      throw invalid(`measures.${name}`, 'must be a measure (measure.avg(table.column), measure.count(), ...)')
    }
    if (measure.column && (measure.column as unknown as { table: object }).table !== table) {
      throw invalid(`measures.${name}`, `must aggregate a column of ${shape.name}`)
    }
    return { name, measure, expression: measureExpression(measure, sql.identifier(time.name)) }
  })
}

/** The time column whose value a measure returns (min, max, first or last of a temporal column), else `undefined`. */
function temporalResult(shape: TableShape, measure: Measure): ShapeColumn | undefined {
  if (!measure.column || !['min', 'max', 'first', 'last'].includes(measure.kind)) return undefined
  const column = shape.columns.find((c) => c.name === (measure.column as { name: string }).name)
  return column?.codec.temporal ? column : undefined
}

/** A measure's value as selected: a temporal result through its column's codec (same text on every driver). */
export function measureSelect(shape: TableShape, m: { name: string; measure: Measure }, value: SQL): SQL {
  return temporalResult(shape, m.measure)?.codec.select(value) ?? value
}

/** A measure's value as read, decoded (temporal min/max/first/last by the column's codec). */
export function measureValue(shape: TableShape, measure: Measure, value: unknown): unknown {
  if (value === null || value === undefined) return measure.kind === 'count' ? 0 : null
  const column = temporalResult(shape, measure)
  return column ? column.codec.decode(value) : measure.decode(value)
}

/** The measures of a declared table's rows in `[from, to)` matching `where`, as one object. */
export async function aggregateRows<R>(
  db: AnyPgDatabase,
  shape: TableShape,
  table: object,
  query: unknown,
  operation = 'aggregate',
): Promise<R> {
  const q = validateOptions(query, ['where', 'from', 'to', 'measures'], 'query')
  const filter = checkFilter(shape, q)
  const measures = checkMeasures(shape, table, q.measures)
  try {
    const [row] = await queryRows(
      db,
      sql`select ${sql.join(
        measures.map((m) => sql`${measureSelect(shape, m, m.expression)} as ${sql.identifier(m.name)}`),
        sql`, `,
      )} from ${shape.table} where ${filter.where}`,
    )
    const out: Record<string, unknown> = {}
    for (const m of measures) out[m.name] = measureValue(shape, m.measure, row?.[m.name])
    return out as R
  } catch (error) {
    throw toTimescaleError(error, { operation })
  }
}
