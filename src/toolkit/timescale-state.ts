import { invalid } from '../validation/invalid.ts'
import type { AnyContinuousAggregate, ContinuousAggregateSpec } from './continuous-aggregate.ts'
import { DECLARATION, isDeclaration } from './declaration-brand.ts'
import type { Hypertable, HypertableSpec } from './hypertable.ts'

/**
 * Everything the declarations say about the database, by `schema.name`: what `generate` keeps in
 * its snapshot (`meta/_drizzle-timescale.json`) and compares with on the next run.
 */
export interface TimescaleState {
  version: 1
  hypertables: Record<string, HypertableSpec>
  /** In dependency order: an aggregate after the one it reads. */
  aggregates: Record<string, ContinuousAggregateSpec>
}

/** The state of no declarations: what a first `generate` starts from. */
export const EMPTY_STATE: TimescaleState = Object.freeze({ version: 1, hypertables: {}, aggregates: {} }) as TimescaleState

/**
 * The state of declarations, for instance a schema module's exports (other values are skipped).
 * What an aggregate reads is included even when it is not exported itself.
 *
 * @throws {ValidationError} field `declarations`: two different declarations of one table or view.
 * @example
 * ```ts
 * import * as schema from './schema.ts'
 * const state = stateOf(Object.values(schema))
 * ```
 */
export function stateOf(values: Iterable<unknown>): TimescaleState {
  const hypertables: Record<string, HypertableSpec> = {}
  const aggregates: Record<string, ContinuousAggregateSpec> = {}
  const put = <S>(into: Record<string, S>, key: string, spec: S) => {
    if (into[key] && JSON.stringify(into[key]) !== JSON.stringify(spec)) {
      throw invalid('declarations', `declare ${key} once: two different declarations of it are exported`)
    }
    into[key] = spec
  }
  const visit = (d: Hypertable | AnyContinuousAggregate): void => {
    if (d[DECLARATION] === 'hypertable') put(hypertables, d.key, d.spec)
    else {
      visit(d.from) // the source first: dependency order
      put(aggregates, d.key, d.spec)
    }
  }
  for (const value of values) if (isDeclaration(value)) visit(value as Hypertable | AnyContinuousAggregate)
  return { version: 1, hypertables, aggregates }
}
