import { expect, test } from 'bun:test'
import { canonicalTextMs, canonicalTimeFromText, utcFromJson } from '../../src/internal/iso-time.ts'

const text = (r: ReturnType<typeof canonicalTimeFromText>) => (r.ok ? r.text : `refused: ${r.reason}`)

test('UTC texts (the fast path) read the same as the same instants written with +00:00 (the general path)', () => {
  let state = 7
  const random = () => {
    state = (state * 48271) % 2147483647
    return state / 2147483647
  }
  const cases = [
    '2024-02-29T23:59:59.999999Z',
    '2023-02-29T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59.9Z',
    '2024-01-15T24:00:00Z',
    '2024-01-15T23:60:00Z',
    '2024-01-15T23:59:60Z',
    '2024-01-15T10:30:00.Z',
    '2024-01-15T10:30:00.1234567Z',
    '2024-01-15T1a:30:00Z',
    '2024-13-01T00:00:00Z',
    '2024-04-31T00:00:00Z',
  ]
  for (let i = 0; i < 20_000; i++) {
    const iso = new Date(Math.floor(random() * 253402300799000)).toISOString()
    const digits = Math.floor(random() * 7)
    const fraction =
      digits === 0
        ? ''
        : `.${String(Math.floor(random() * 1e6))
            .padStart(6, '0')
            .slice(0, digits)}`
    cases.push(`${iso.slice(0, 19)}${fraction}Z`)
  }
  for (const utc of cases) {
    expect([utc, text(canonicalTimeFromText(utc))]).toEqual([utc, text(canonicalTimeFromText(`${utc.slice(0, -1)}+00:00`))])
  }
})

test('utcFromJson: the JSON text of a UTC timestamp in the canonical form', () => {
  expect(utcFromJson('"2024-01-02T00:14:23.1368"')).toBe('2024-01-02T00:14:23.136800Z')
  expect(utcFromJson('"2024-01-02T00:14:23"')).toBe('2024-01-02T00:14:23.000000Z')
  expect(utcFromJson('"2024-01-02T00:14:23.5"')).toBe('2024-01-02T00:14:23.500000Z')
  expect(utcFromJson('"0001-01-01T00:00:00.000001"')).toBe('0001-01-01T00:00:00.000001Z')
  expect(utcFromJson('"9999-12-31T23:59:59.999999"')).toBe('9999-12-31T23:59:59.999999Z')
  expect(utcFromJson('"infinity"')).toBe('infinity')
})

test('canonicalTextMs: the instant Date.parse reads from a canonical text, with and without Z, and of a date', () => {
  let state = 11
  const random = () => {
    state = (state * 48271) % 2147483647
    return state / 2147483647
  }
  const texts = ['0001-01-01T00:00:00.000000Z', '0099-12-31T23:59:59.999999Z', '0100-01-01T00:00:00.000000Z', '1969-12-31T23:59:59.999999Z']
  for (let i = 0; i < 20_000; i++) {
    const ms = Math.floor(random() * 253402300799000) - 62135596800000 * (i % 2)
    const text = canonicalTimeFromText(new Date(Math.max(-62135596800000, ms)).toISOString())
    if (text.ok) texts.push(`${text.text.slice(0, 23)}${String(Math.floor(random() * 1000)).padStart(3, '0')}Z`)
  }
  for (const text of texts) {
    const full = new Date(0)
    full.setUTCFullYear(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10)))
    full.setUTCHours(Number(text.slice(11, 13)), Number(text.slice(14, 16)), Number(text.slice(17, 19)), Number(text.slice(20, 23)))
    expect([text, canonicalTextMs(text)]).toEqual([text, full.getTime()])
    expect([text, canonicalTextMs(text.slice(0, -1))]).toEqual([text, full.getTime()])
    const day = new Date(full.getTime())
    day.setUTCHours(0, 0, 0, 0)
    expect([text, canonicalTextMs(text.slice(0, 10))]).toEqual([text, day.getTime()])
  }
})
