import { describe, expect, test } from 'bun:test'
import { MAX_METADATA_BYTES, MAX_METADATA_DEPTH, validateMetadata } from '../../src/validation/index.ts'
import { expectInvalid } from './expect-invalid.ts'

const m = (value: unknown) => () => validateMetadata(value)

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {}
  for (let i = 1; i < depth; i++) value = { a: value }
  return value
}

describe('validateMetadata: accepted', () => {
  test('undefined and null mean no metadata', () => {
    expect(validateMetadata(undefined)).toBeNull()
    expect(validateMetadata(null)).toBeNull()
  })
  test('strings, finite numbers, booleans, null, arrays and plain objects at any depth', () => {
    const value = { s: 'x "q" \\ ü 😀', n: -1.5e-7, b: false, z: null, a: [1, [2, { c: 'd' }]], o: Object.create(null) }
    expect(JSON.parse(validateMetadata(value) as string)).toEqual(value)
  })
  test(`nesting exactly ${MAX_METADATA_DEPTH} levels deep`, () => {
    expect(validateMetadata(nested(MAX_METADATA_DEPTH))).toStartWith('{"a":')
  })
  test('a shared (not circular) reference', () => {
    const shared = { x: 1 }
    expect(validateMetadata({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}')
  })
  test('a key whose value is undefined is left out, like JSON.stringify', () => {
    expect(validateMetadata({ a: 1, b: undefined })).toBe('{"a":1}')
  })
})

describe('validateMetadata: rejected', () => {
  test('not an object: a string, a number, an array', () => {
    expectInvalid(m('{"a":1}'), 'metadata')
    expectInvalid(m(42), 'metadata')
    expectInvalid(m([1, 2]), 'metadata')
  })
  test('a BigInt', () => void expectInvalid(m({ big: 10n }), 'metadata.big'))
  test('a function', () => void expectInvalid(m({ f: () => 1 }), 'metadata.f'))
  test('a toJSON method', () => void expectInvalid(m({ toJSON: () => ({}) }), 'metadata.toJSON'))
  test('a symbol value', () => void expectInvalid(m({ s: Symbol('x') }), 'metadata.s'))
  test('a symbol key', () => void expectInvalid(m({ [Symbol('x')]: 1 }), 'metadata'))
  test('undefined inside an array', () => void expectInvalid(m({ tags: ['a', undefined] }), 'metadata.tags[1]'))
  test('a hole in a sparse array', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    expectInvalid(m({ tags: [1, , 3] }), 'metadata.tags[1]')
  })
  test('NaN and Infinity', () => {
    expectInvalid(m({ n: Number.NaN }), 'metadata.n')
    expectInvalid(m({ deep: { list: [Number.POSITIVE_INFINITY] } }), 'metadata.deep.list[0]')
  })
  test('a Date', () => void expectInvalid(m({ when: new Date() }), 'metadata.when'))
  test('a Map', () => void expectInvalid(m({ map: new Map() }), 'metadata.map'))
  test('a class instance', () => {
    class Point {
      x = 1
    }
    expectInvalid(m({ p: new Point() }), 'metadata.p')
    expectInvalid(m(new Point()), 'metadata')
  })
  test('a typed array', () => void expectInvalid(m({ bytes: new Uint8Array(2) }), 'metadata.bytes'))
  test('a cycle', () => {
    const a: Record<string, unknown> = { name: 'a' }
    a.self = a
    expectInvalid(m(a), 'metadata.self')
  })
  test('a cycle through an array', () => {
    const list: unknown[] = []
    list.push({ back: list })
    expectInvalid(m({ list }), 'metadata.list[0].back')
  })
  test(`nesting deeper than ${MAX_METADATA_DEPTH} levels`, () => {
    const error = expectInvalid(m(nested(MAX_METADATA_DEPTH + 1)), `metadata${'.a'.repeat(MAX_METADATA_DEPTH)}`)
    expect(error.message).toContain('deeper')
  })
  test('\\u0000 in a string', () => void expectInvalid(m({ note: 'a\u0000b' }), 'metadata.note'))
  test('\\u0000 in a key', () => void expectInvalid(m({ 'a\u0000b': 1 }), 'metadata["a\\u0000b"]'))
  test('a lone surrogate in a string', () => void expectInvalid(m({ tags: ['ok', 'x\uDBFF'] }), 'metadata.tags[1]'))
  test('a lone surrogate in a key', () => void expectInvalid(m({ '\uD800': 1 }), 'metadata["\\ud800"]'))
  test('an own __proto__ key', () => {
    expectInvalid(m(JSON.parse('{"__proto__": {"polluted": true}}')), 'metadata.__proto__')
    expectInvalid(m({ nested: JSON.parse('{"__proto__": 1}') }), 'metadata.nested.__proto__')
  })
  test('a getter', () => {
    const value = {}
    Object.defineProperty(value, 'lazy', { enumerable: true, get: () => 1 })
    expectInvalid(m(value), 'metadata.lazy')
  })
  test(`more than ${MAX_METADATA_BYTES} bytes of JSON`, () => {
    expect(validateMetadata({ s: 'x'.repeat(MAX_METADATA_BYTES - 20) })).toHaveLength(MAX_METADATA_BYTES - 12)
    expectInvalid(m({ s: 'x'.repeat(MAX_METADATA_BYTES) }), 'metadata')
    // 400,000 three-byte characters: fewer UTF-16 units than the limit, more UTF-8 bytes.
    expectInvalid(m({ s: '€'.repeat(400_000) }), 'metadata')
  })
  test('an exponentially shared structure stops at the size limit instead of hanging', () => {
    let value: unknown = ['x'.repeat(100)]
    for (let i = 0; i < 60; i++) value = [value, value]
    const started = performance.now()
    expectInvalid(m({ value }), 'metadata')
    expect(performance.now() - started).toBeLessThan(2000)
  })
  test('keys that are not identifiers are quoted in the path', () => {
    expectInvalid(m({ 'a b': { 'c.d': [1n] } }), 'metadata["a b"]["c.d"][0]')
  })
})
