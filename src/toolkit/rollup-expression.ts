import { type SQL, sql } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import { invalid } from '../validation/invalid.ts'
import type { AnyContinuousAggregate } from './continuous-aggregate.ts'
import { mergedVariance, squaredDeviations } from './ddl/merge-variance-sql.ts'
import type { Measure } from './measures.ts'

/**
 * The expression of a measure of a coarser aggregate over the columns of the finer one it reads:
 * the rule that keeps it exact. Counts are summed (`sum(n)::bigint`), sums summed, minima and
 * maxima taken again, `first`/`last` taken by the finer bucket, and an average is `sum / count`
 * of the finer level's `sum(column)` and `count(column)` (or `count()` for a NOT NULL column).
 *
 * @throws {ValidationError} field `measures.<name>` when the finer level lacks what the rule needs.
 */
export function rollupExpression<T extends PgTable>(name: string, measure: Measure, from: AnyContinuousAggregate<T>): SQL {
  const field = `measures.${name}`
  const finer = from.spec.name
  const column = measure.column
  const find = (kind: Measure['kind'], wanted = column): string | undefined =>
    Object.entries(from.measures).find(([, m]) => m.kind === kind && m.column === wanted)?.[0]
  const need = (kind: Measure['kind'], what: string): SQL => {
    const found = find(kind)
    if (found === undefined) throw invalid(field, `needs ${what} in ${finer} to roll up exactly`)
    return sql`${sql.identifier(found)}`
  }
  const label = column ? `${measure.kind}(${column.name})` : 'count()'
  switch (measure.kind) {
    case 'count':
      return sql`sum(${need('count', label)})::bigint`
    case 'sum':
    case 'min':
    case 'max':
      return sql`${sql.raw(measure.kind)}(${need(measure.kind, label)})`
    case 'first':
    case 'last':
      return sql`${sql.raw(measure.kind)}(${need(measure.kind, label)}, ${sql.identifier(from.spec.bucketColumn)})`
    case 'avg': {
      const total = find('sum')
      const n = find('count') ?? (column?.notNull ? find('count', null) : undefined)
      if (total === undefined || n === undefined) {
        throw invalid(
          field,
          `needs sum(${column?.name}) and count(${column?.name}) in ${finer}: an average of averages is not an average, so a coarser average is recomputed from them`,
        )
      }
      return sql`sum(${sql.identifier(total)}) / nullif(sum(${sql.identifier(n)}), 0)`
    }
    case 'variance':
    case 'stddev': {
      // Merged from each finer bucket's count, sum and squared deviations: never a sum of squares.
      const total = find('sum')
      const n = find('count') ?? (column?.notNull ? find('count', null) : undefined)
      const v = find('variance')
      const spread = v === undefined ? find('stddev') : v
      if (total === undefined || n === undefined || spread === undefined) {
        throw invalid(
          field,
          `needs count(${column?.name}), sum(${column?.name}) and variance(${column?.name}) or stddev(${column?.name}) in ${finer}: ` +
            "a coarser variance is merged from each bucket's count, mean and squared deviations",
        )
      }
      const count = sql`${sql.identifier(n)}`
      const deviations = squaredDeviations(v === undefined ? 'stddev' : 'variance', sql`${sql.identifier(spread)}`, count)
      return mergedVariance(from.root.spec.schema, measure.kind, count, sql`${sql.identifier(total)}`, deviations)
    }
    default:
      throw invalid(field, `is an aggregateSql() measure, which cannot be rolled up from ${finer}; declare it on the hypertable`)
  }
}
