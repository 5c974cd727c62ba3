import { describe, expect, test } from 'bun:test'
import { validateRecord } from '../../src/validation/index.ts'
import { expectInvalid } from './expect-invalid.ts'

const ok = { entity_id: 'sensor-1', time: '2024-01-15T10:30:00.123456Z', value: 1.5 }
const rec = (patch: Record<string, unknown>) => () => validateRecord({ ...ok, ...patch })

describe('validateRecord', () => {
  test('normalizes a full record: canonical time, absent values null, metadata as JSON text', () => {
    expect(validateRecord({ ...ok, time: '2024-01-15T16:00:00.123456+05:30', value2: 0, value4: null, metadata: { a: [1, 'x'] } })).toEqual(
      {
        entity_id: 'sensor-1',
        time: '2024-01-15T10:30:00.123456Z',
        value: 1.5,
        value2: 0,
        value3: null,
        value4: null,
        metadata: '{"a":[1,"x"]}',
      },
    )
  })

  test('accepts a record with a null prototype and undefined optional fields', () => {
    const r = Object.assign(Object.create(null), ok, { value2: undefined, metadata: undefined })
    expect(validateRecord(r).value2).toBeNull()
  })

  test('record not an object', () => {
    expectInvalid(() => validateRecord(null as never), 'record')
    expectInvalid(() => validateRecord('sensor-1' as never), 'record')
    expectInvalid(() => validateRecord([ok] as never), 'record')
  })
  test('missing entity_id', () => void expectInvalid(() => validateRecord({ time: ok.time, value: 1 } as never), 'entity_id'))
  test('empty entity_id', () => void expectInvalid(rec({ entity_id: '' }), 'entity_id'))
  test('entity_id not a string', () => void expectInvalid(rec({ entity_id: 42 }), 'entity_id'))
  test('entity_id longer than 255 characters', () => {
    expect(validateRecord({ ...ok, entity_id: 'x'.repeat(255) }).entity_id).toHaveLength(255)
    expectInvalid(rec({ entity_id: 'x'.repeat(256) }), 'entity_id')
  })
  test('entity_id with \\u0000', () => void expectInvalid(rec({ entity_id: 'a\u0000b' }), 'entity_id'))
  test('entity_id with a lone surrogate', () => {
    expectInvalid(rec({ entity_id: 'a\uD800b' }), 'entity_id')
    expectInvalid(rec({ entity_id: '\uDC00' }), 'entity_id')
    expect(validateRecord({ ...ok, entity_id: 'ok-😀' }).entity_id).toBe('ok-😀')
  })
  test('missing time', () => void expectInvalid(() => validateRecord({ entity_id: 'a', value: 1 } as never), 'time'))
  test('time without offset', () => void expectInvalid(rec({ time: '2024-01-15T10:30:00' }), 'time'))
  test('invalid Date', () => void expectInvalid(rec({ time: new Date(Number.NaN) }), 'time'))
  test('missing value', () => void expectInvalid(() => validateRecord({ entity_id: 'a', time: ok.time } as never), 'value'))
  test('value as a numeric string', () => void expectInvalid(rec({ value: '1.5' }), 'value'))
  test('value NaN', () => void expectInvalid(rec({ value: Number.NaN }), 'value'))
  test('value Infinity and -Infinity', () => {
    expectInvalid(rec({ value: Number.POSITIVE_INFINITY }), 'value')
    expectInvalid(rec({ value: Number.NEGATIVE_INFINITY }), 'value')
  })
  test('value null', () => void expectInvalid(rec({ value: null }), 'value'))
  test('value a BigInt', () => void expectInvalid(rec({ value: 1n }), 'value'))
  test('value2 NaN', () => void expectInvalid(rec({ value2: Number.NaN }), 'value2'))
  test('value3 Infinity', () => void expectInvalid(rec({ value3: Number.POSITIVE_INFINITY }), 'value3'))
  test('value4 a string', () => void expectInvalid(rec({ value4: '2' }), 'value4'))
  test('unknown top-level key (a typo)', () => {
    const error = expectInvalid(rec({ valu2: 3 }), 'valu2')
    expect(error.message).toContain('not a field of a record')
  })
  test('metadata errors carry the path', () => void expectInvalid(rec({ metadata: { tags: ['a', 'b', 'c', 1n] } }), 'metadata.tags[3]'))
  test('the message names the field but never copies the value', () => {
    const error = expectInvalid(rec({ value2: Number.NaN, entity_id: 'secret-id' }), 'value2')
    expect(error.message).toBe('value2 must be a finite number (not NaN or Infinity)')
  })
})
