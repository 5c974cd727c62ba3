/** Marks the toolkit's declarations, so that `generate` finds them among a schema module's exports. */
export const DECLARATION: unique symbol = Symbol.for('drizzle-timescale.declaration')

/** What every declaration carries: its kind and `schema.name` key. */
export interface DeclarationBase {
  readonly [DECLARATION]: 'hypertable' | 'continuousAggregate'
  /** `schema.name` of the table or view. */
  readonly key: string
}

/** True for a value made by `hypertable()` or `continuousAggregate()`. */
export function isDeclaration(value: unknown): value is DeclarationBase {
  return typeof value === 'object' && value !== null && DECLARATION in value
}
