import { describe, expect, test } from 'bun:test'
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../src/types.ts'
import { validateRange } from '../../src/validation/index.ts'
import { expectInvalid } from './expect-invalid.ts'

const from = '2024-01-15T00:00:00Z'
const to = '2024-01-16T00:00:00Z'
const r = (range: unknown) => () => validateRange(range)

describe('validateRange', () => {
  test('defaults: limit 1000, newest first; bounds canonical', () => {
    expect(validateRange({ from, to: new Date(to) })).toEqual({
      from: '2024-01-15T00:00:00.000000Z',
      to: '2024-01-16T00:00:00.000000Z',
      limit: DEFAULT_LIMIT,
      order: 'desc',
    })
  })
  test('bounds are compared as instants, whatever their offsets', () => {
    expect(validateRange({ from: '2024-01-15T05:00:00+05:00', to: '2024-01-15T00:00:00.000001Z' }).from).toBe('2024-01-15T00:00:00.000000Z')
    expectInvalid(r({ from: '2024-01-15T00:00:00-01:00', to: '2024-01-15T00:30:00Z' }), 'range')
  })
  test('from equal to to is an empty range, accepted', () => {
    expect(validateRange({ from, to: from, order: 'asc', limit: MAX_LIMIT })).toMatchObject({ order: 'asc', limit: MAX_LIMIT })
  })
  test('from after to', () => void expectInvalid(r({ from: to, to: from }), 'range'))
  test('missing or non-object range', () => {
    expectInvalid(r(undefined), 'range')
    expectInvalid(r(null), 'range')
    expectInvalid(r('2024-01-15/2024-01-16'), 'range')
  })
  test('missing from / to', () => {
    expectInvalid(r({ to }), 'range.from')
    expectInvalid(r({ from }), 'range.to')
  })
  test('bad from / to', () => {
    expectInvalid(r({ from: '2024-01-15', to }), 'range.from')
    expectInvalid(r({ from, to: 'infinity' }), 'range.to')
  })
  test('limit 0, negative, fractional, too large, a string', () => {
    for (const limit of [0, -1, 1.5, MAX_LIMIT + 1, '10', Number.NaN]) expectInvalid(r({ from, to, limit }), 'range.limit')
  })
  test('order other than asc/desc', () => {
    for (const order of ['ASC', 'random()', 'desc; drop table x', 1]) expectInvalid(r({ from, to, order }), 'range.order')
  })
  test('an unknown key', () => void expectInvalid(r({ from, to, limt: 10 }), 'range.limt'))
})
