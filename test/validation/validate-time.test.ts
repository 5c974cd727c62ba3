import { describe, expect, test } from 'bun:test'
import { validateTime } from '../../src/validation/index.ts'
import { expectInvalid } from './expect-invalid.ts'

const t = (input: unknown) => validateTime(input, 'time')

describe('validateTime: accepted forms become canonical UTC text with microseconds', () => {
  test.each([
    ['2024-01-15T10:30:00.123456Z', '2024-01-15T10:30:00.123456Z'],
    ['2024-01-15T10:30:00Z', '2024-01-15T10:30:00.000000Z'],
    ['2024-01-15T10:30Z', '2024-01-15T10:30:00.000000Z'],
    ['2024-01-15t10:30:00.5z', '2024-01-15T10:30:00.500000Z'],
    ['2024-01-15 10:30:00.123456+00', '2024-01-15T10:30:00.123456Z'],
    ['2024-01-15T10:30:00.123456+05:30', '2024-01-15T05:00:00.123456Z'],
    ['2024-01-15T10:30:00+0530', '2024-01-15T05:00:00.000000Z'],
    ['2024-01-15T10:30:00+05', '2024-01-15T05:30:00.000000Z'],
    ['2024-01-15T01:30:00-08:00', '2024-01-15T09:30:00.000000Z'],
    ['2024-01-01T00:30:00+01:00', '2023-12-31T23:30:00.000000Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000000Z'],
    ['2000-02-29T12:00:00Z', '2000-02-29T12:00:00.000000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000000Z'],
    ['0099-06-01T00:00:00Z', '0099-06-01T00:00:00.000000Z'],
    ['9999-12-31T23:59:59.999999Z', '9999-12-31T23:59:59.999999Z'],
  ])('%s → %s', (input, expected) => {
    expect(t(input)).toBe(expected)
  })

  test('more than six fractional digits round like PostgreSQL (rint of the double, ties to even)', () => {
    expect(t('2024-01-15T10:30:00.1234564Z')).toBe('2024-01-15T10:30:00.123456Z')
    expect(t('2024-01-15T10:30:00.1234566Z')).toBe('2024-01-15T10:30:00.123457Z')
    expect(t('2024-01-15T10:30:00.000000500Z')).toBe('2024-01-15T10:30:00.000000Z')
    expect(t('2024-01-15T10:30:00.000001500Z')).toBe('2024-01-15T10:30:00.000002Z')
  })

  test('rounding up can carry into the next day', () => {
    expect(t('2024-12-31T23:59:59.9999999Z')).toBe('2025-01-01T00:00:00.000000Z')
  })

  test('a valid Date keeps its milliseconds', () => {
    expect(t(new Date('2024-01-15T10:30:00.123Z'))).toBe('2024-01-15T10:30:00.123000Z')
    expect(t(new Date(Date.UTC(2024, 0, 15, 10, 30, 0, 7)))).toBe('2024-01-15T10:30:00.007000Z')
  })
})

describe('validateTime: rejected input', () => {
  test('a string without a zone offset', () => {
    const error = expectInvalid(() => t('2024-01-15T10:30:00'), 'time')
    expect(error.message).toContain('no zone offset')
  })
  test('a date without a time', () => void expectInvalid(() => t('2024-01-15'), 'time'))
  test("'infinity'", () => void expectInvalid(() => t('infinity'), 'time'))
  test("'-infinity' and 'now'", () => {
    expectInvalid(() => t('-infinity'), 'time')
    expectInvalid(() => t('now'), 'time')
  })
  test('garbage', () => void expectInvalid(() => t("2024-01-15T10:30:00Z'; drop table time_series_data; --"), 'time'))
  test('an empty string', () => void expectInvalid(() => t(''), 'time'))
  test('February 30', () => void expectInvalid(() => t('2024-02-30T00:00:00Z'), 'time'))
  test('February 29 of a non-leap year', () => {
    expectInvalid(() => t('2023-02-29T00:00:00Z'), 'time')
    expectInvalid(() => t('1900-02-29T00:00:00Z'), 'time')
  })
  test('April 31', () => void expectInvalid(() => t('2024-04-31T00:00:00Z'), 'time'))
  test('month 13 and month 00', () => {
    expectInvalid(() => t('2024-13-01T00:00:00Z'), 'time')
    expectInvalid(() => t('2024-00-01T00:00:00Z'), 'time')
  })
  test('hour 25 and hour 24', () => {
    expectInvalid(() => t('2024-01-15T25:00:00Z'), 'time')
    expectInvalid(() => t('2024-01-15T24:00:00Z'), 'time')
  })
  test('minute 60 and second 60', () => {
    expectInvalid(() => t('2024-01-15T10:60:00Z'), 'time')
    expectInvalid(() => t('2024-01-15T10:30:60Z'), 'time')
  })
  test('year 0000', () => void expectInvalid(() => t('0000-06-01T00:00:00Z'), 'time'))
  test('a five-digit year', () => void expectInvalid(() => t('10000-01-01T00:00:00Z'), 'time'))
  test('an offset that moves the instant before year 0001 or after 9999', () => {
    expectInvalid(() => t('0001-01-01T00:30:00+01:00'), 'time')
    expectInvalid(() => t('9999-12-31T23:30:00-01:00'), 'time')
  })
  test('an impossible offset', () => {
    expectInvalid(() => t('2024-01-15T10:30:00+16:00'), 'time')
    expectInvalid(() => t('2024-01-15T10:30:00+05:60'), 'time')
  })
  test('an invalid Date', () => void expectInvalid(() => t(new Date('nope')), 'time'))
  test('a Date outside 0001..9999', () => {
    expectInvalid(() => t(new Date(Date.UTC(10000, 0, 1))), 'time')
    expectInvalid(() => t(new Date('-000001-01-01T00:00:00Z')), 'time')
  })
  test('a number (epoch milliseconds are not guessed)', () => void expectInvalid(() => t(1705314600000), 'time'))
  test('null and undefined', () => {
    expectInvalid(() => t(null), 'time')
    expectInvalid(() => t(undefined), 'time')
  })
  test('an overlong string', () => void expectInvalid(() => t(`2024-01-15T10:30:00.${'1'.repeat(60)}Z`), 'time'))
})
