import { describe, expect, test } from 'bun:test'
import { batchValidationError, checkRecords, MAX_REPORTED_ERRORS } from '../../src/validation/index.ts'
import { expectInvalid } from './expect-invalid.ts'

const ok = (i: number) => ({ entity_id: 'e', time: `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`, value: i })

describe('checkRecords and batchValidationError', () => {
  test('reports every invalid record with its index and field, keeps the valid ones with theirs', () => {
    const { valid, errors } = checkRecords([ok(0), { ...ok(1), value: Number.NaN }, ok(2), 'x', { ...ok(4), time: '2024-01-01' }])
    expect(valid.map((r) => r.index)).toEqual([0, 2])
    expect(errors.map(({ index, field, code }) => ({ index, field, code }))).toEqual([
      { index: 1, field: 'value', code: 'VALIDATION_ERROR' },
      { index: 3, field: 'record', code: 'VALIDATION_ERROR' },
      { index: 4, field: 'time', code: 'VALIDATION_ERROR' },
    ])
  })
  test('records not an array', () => void expectInvalid(() => checkRecords({ 0: ok(0) }), 'records'))
  test(`the batch error names the first bad record and carries at most ${MAX_REPORTED_ERRORS} errors`, () => {
    const records = Array.from({ length: 250 }, (_, i) => (i >= 3 ? { ...ok(i), value2: 'x' } : ok(i)))
    const { errors } = checkRecords(records)
    const error = batchValidationError(errors)
    expect(error.code).toBe('VALIDATION_ERROR')
    expect(error.details.index).toBe(3)
    expect(error.details.field).toBe('value2')
    expect(error.details.invalidCount).toBe(247)
    expect((error.details.errors as unknown[]).length).toBe(MAX_REPORTED_ERRORS)
    expect(error.message).toBe(
      'records[3].value2 must be a number or null, not a string (and 246 more invalid records); nothing was written',
    )
  })
})
