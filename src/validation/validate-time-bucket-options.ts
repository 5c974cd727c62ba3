import {
  type AggregateFunction,
  DEFAULT_LIMIT,
  type SortOrder,
  type TimeBucketOptions,
  type ValueColumn,
} from '../vocabulary/read-options.ts'
import { invalid } from './invalid.ts'
import { validateAggregateFunction, validateValueColumn } from './validate-aggregate.ts'
import { validateLimit, validateOptions, validateSortOrder } from './validate-options.ts'
import { validateTimeZone } from './validate-time-zone.ts'

/** Checked {@link TimeBucketOptions} with their defaults applied. */
export interface ValidTimeBucketOptions {
  aggregateFunction: AggregateFunction
  aggregateColumn: ValueColumn
  timeZone: string | undefined
  gapFill: 'locf' | 'interpolate' | 'null' | undefined
  order: SortOrder
  limit: number
}

const KEYS = [
  'aggregateFunction',
  'aggregateColumn',
  'timeZone',
  'gapFill',
  'order',
  'limit',
] as const satisfies readonly (keyof TimeBucketOptions)[]

/** Checks the options of `getTimeBuckets`; defaults `avg` of `value`, UTC, no gap filling, newest first, 1000 buckets. */
export function validateTimeBucketOptions(input: unknown): ValidTimeBucketOptions {
  const options = validateOptions(input, KEYS)
  const gapFill = options.gapFill
  if (gapFill !== undefined && gapFill !== 'locf' && gapFill !== 'interpolate' && gapFill !== 'null') {
    throw invalid('gapFill', `must be 'locf', 'interpolate' or 'null'`)
  }
  return {
    aggregateFunction:
      options.aggregateFunction === undefined ? 'avg' : validateAggregateFunction(options.aggregateFunction, 'aggregateFunction'),
    aggregateColumn: options.aggregateColumn === undefined ? 'value' : validateValueColumn(options.aggregateColumn, 'aggregateColumn'),
    timeZone: options.timeZone === undefined ? undefined : validateTimeZone(options.timeZone, 'timeZone'),
    gapFill,
    order: validateSortOrder(options.order, 'order', 'desc'),
    limit: validateLimit(options.limit, 'limit', DEFAULT_LIMIT),
  }
}
