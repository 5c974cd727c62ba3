import { AGGREGATE_FUNCTIONS, type AggregateFunction, VALUE_COLUMNS, type ValueColumn } from '../vocabulary/read-options.ts'
import { invalid } from './invalid.ts'

/** Checks an aggregate function name against {@link AGGREGATE_FUNCTIONS}. */
export function validateAggregateFunction(input: unknown, field = 'func'): AggregateFunction {
  if (typeof input === 'string' && (AGGREGATE_FUNCTIONS as readonly string[]).includes(input)) {
    return input as AggregateFunction
  }
  throw invalid(field, `must be one of ${AGGREGATE_FUNCTIONS.join(', ')}`)
}

/** Checks a value column name against {@link VALUE_COLUMNS}. */
export function validateValueColumn(input: unknown, field = 'column'): ValueColumn {
  if (typeof input === 'string' && (VALUE_COLUMNS as readonly string[]).includes(input)) return input as ValueColumn
  throw invalid(field, `must be one of ${VALUE_COLUMNS.join(', ')}`)
}
