import { describe, expect, test } from 'bun:test'
import { validateEntityInput } from '../../src/validation/index.ts'
import { expectInvalid } from './expect-invalid.ts'

const e = (input: unknown) => () => validateEntityInput(input)

describe('validateEntityInput', () => {
  test('keeps "not given" (undefined) apart from null', () => {
    expect(validateEntityInput({ entity_type: 'sensor' })).toEqual({
      entity_id: undefined,
      entity_type: 'sensor',
      name: undefined,
      is_active: undefined,
      metadata: undefined,
    })
    expect(validateEntityInput({ entity_id: 'x', entity_type: 's', name: null, is_active: false, metadata: null })).toEqual({
      entity_id: 'x',
      entity_type: 's',
      name: null,
      is_active: false,
      metadata: null,
    })
  })
  test('not an object', () => void expectInvalid(e('sensor'), 'entity'))
  test('missing or empty entity_type', () => {
    expectInvalid(e({ name: 'x' }), 'entity_type')
    expectInvalid(e({ entity_type: '' }), 'entity_type')
  })
  test('entity_type longer than 255', () => void expectInvalid(e({ entity_type: 't'.repeat(256) }), 'entity_type'))
  test('bad entity_id', () => {
    expectInvalid(e({ entity_type: 's', entity_id: '' }), 'entity_id')
    expectInvalid(e({ entity_type: 's', entity_id: null }), 'entity_id')
    expectInvalid(e({ entity_type: 's', entity_id: 'a\u0000' }), 'entity_id')
  })
  test('name longer than 1000 or not a string', () => {
    expect(validateEntityInput({ entity_type: 's', name: 'n'.repeat(1000) }).name).toHaveLength(1000)
    expectInvalid(e({ entity_type: 's', name: 'n'.repeat(1001) }), 'name')
    expectInvalid(e({ entity_type: 's', name: 5 }), 'name')
  })
  test('is_active not a boolean', () => void expectInvalid(e({ entity_type: 's', is_active: 'yes' }), 'is_active'))
  test('bad metadata', () => void expectInvalid(e({ entity_type: 's', metadata: { n: 1n } }), 'metadata.n'))
  test('unknown key', () => void expectInvalid(e({ entity_type: 's', active: true }), 'entity.active'))
})
