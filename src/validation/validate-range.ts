import { DEFAULT_LIMIT, type SortOrder } from '../vocabulary/read-options.ts'
import { invalid } from './invalid.ts'
import { validateLimit, validateOptions, validateSortOrder } from './validate-options.ts'
import { validateTime } from './validate-time.ts'

/** A checked half-open range `[from, to)` with canonical UTC bounds. */
export interface ValidRange {
  from: string
  to: string
  limit: number
  order: SortOrder
}

/**
 * Checks a `TimeRange`: `from` and `to` valid instants with `from <= to` (equal bounds are an
 * empty range), `limit` an integer from 1 to `MAX_LIMIT` (default `DEFAULT_LIMIT`), `order`
 * `'asc'` or `'desc'` (default `defaults.order`, else `'desc'`). Fields are `range.from`,
 * `range.to`, `range.limit`, `range.order`, and `range` when from > to or it is not an object.
 *
 * @example
 * ```ts
 * validateRange({ from: '2024-01-01T00:00:00Z', to: new Date('2024-01-02T00:00:00Z') })
 * // { from: '2024-01-01T00:00:00.000000Z', to: '2024-01-02T00:00:00.000000Z', limit: 1000, order: 'desc' }
 * ```
 */
export function validateRange(input: unknown, defaults: { order?: SortOrder; limit?: number } = {}): ValidRange {
  if (input === undefined) throw invalid('range', 'is required ({ from, to })')
  const range = validateOptions(input, ['from', 'to', 'limit', 'order'], 'range')
  const from = validateTime(range.from, 'range.from')
  const to = validateTime(range.to, 'range.to')
  // Canonical texts have one fixed width, so they compare as instants.
  if (from > to) throw invalid('range', 'must have from <= to (the range is [from, to))')
  return {
    from,
    to,
    limit: validateLimit(range.limit, 'range.limit', defaults.limit ?? DEFAULT_LIMIT),
    order: validateSortOrder(range.order, 'range.order', defaults.order ?? 'desc'),
  }
}
