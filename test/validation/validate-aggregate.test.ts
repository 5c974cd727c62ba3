import { describe, expect, test } from 'bun:test'
import { AGGREGATE_FUNCTIONS, VALUE_COLUMNS } from '../../src/types.ts'
import { validateAggregateFunction, validateValueColumn } from '../../src/validation/index.ts'
import { expectInvalid } from './expect-invalid.ts'

describe('aggregate function and column allow-lists', () => {
  test('every listed function and column is accepted', () => {
    for (const f of AGGREGATE_FUNCTIONS) expect(validateAggregateFunction(f)).toBe(f)
    for (const c of VALUE_COLUMNS) expect(validateValueColumn(c)).toBe(c)
  })
  test.each(['AVG', 'median', 'avg(value)); drop table x; --', 'count(*)', '', 'constructor', 'toString'])(
    'function %p is refused',
    (f) => {
      expectInvalid(() => validateAggregateFunction(f), 'func')
    },
  )
  test.each(['time', 'entity_id', 'metadata', 'value5', 'value"; drop table x; --', 'VALUE', '__proto__'])('column %p is refused', (c) => {
    expectInvalid(() => validateValueColumn(c), 'column')
  })
  test('non-strings are refused', () => {
    expectInvalid(() => validateAggregateFunction(['avg']), 'func')
    expectInvalid(() => validateValueColumn(null), 'column')
  })
})
