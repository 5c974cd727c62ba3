import { describe, expect, test } from 'bun:test'
import { validateInterval } from '../../src/validation/index.ts'
import { expectInvalid } from './expect-invalid.ts'

describe('validateInterval: accepted widths and their canonical text', () => {
  test.each([
    ['15 minutes', '15 minutes'],
    ['1 hour', '1 hour'],
    ['1 day', '1 day'],
    ['1 DAY', '1 day'],
    [' 2 weeks ', '2 weeks'],
    ['1 month', '1 month'],
    ['3 months', '3 months'],
    ['1 year', '1 year'],
    ['2 years 6 months', '2 years 6 months'],
    ['1h 30min', '1 hour 30 minutes'],
    ['1h30min', null],
    ['90s', '90 seconds'],
    ['250 ms', '250 milliseconds'],
    ['500us', '500 microseconds'],
    ['1 day 12 hours', '1 day 12 hours'],
    ['1 second 500 milliseconds', '1 second 500 milliseconds'],
    ['5 mins', '5 minutes'],
    ['1 w', '1 week'],
  ])('%s', (input, expected) => {
    if (expected === null) expectInvalid(() => validateInterval(input), 'interval')
    else expect(validateInterval(input).text).toBe(expected)
  })
  test('parts are summed per kind', () => {
    expect(validateInterval('1 day 2 hours')).toMatchObject({ months: 0, days: 1, microseconds: 7_200_000_000 })
    expect(validateInterval('1 year 2 months')).toMatchObject({ months: 14, days: 0, microseconds: 0 })
  })
})

describe('validateInterval: rejected', () => {
  test.each([
    ['garbage', 'soon'],
    ['an empty string', ''],
    ['a number without a unit', '15'],
    ['a unit without a number', 'hour'],
    ['zero', '0 minutes'],
    ['a negative number', '-1 hour'],
    ['a fraction', '1.5 hours'],
    ['an unknown unit', '3 fortnights'],
    ['the ambiguous m', '5 m'],
    ['a unit given twice', '1 hour 2 hours'],
    ['a unit given twice under two names', '1 h 1 hour'],
    ['months with days', '1 month 1 day'],
    ['years with hours', '1 year 1 hour'],
    ['PostgreSQL syntax outside the grammar', '01:00:00'],
    ['ISO 8601 duration', 'PT1H'],
    ['ago', '1 hour ago'],
    ['an injection attempt', "1 hour'); select pg_sleep(1); --"],
    ['a second injection attempt', '1 hour; drop table time_series_data'],
    ['too many digits', '1234567890 seconds'],
    ['too long', `1 hour${' '.repeat(80)}`],
    ['an out-of-range total', '999999999 years'],
  ])('%s', (_name, input) => {
    expectInvalid(() => validateInterval(input), 'interval')
  })
  test('not a string', () => {
    expectInvalid(() => validateInterval(3600), 'interval')
    expectInvalid(() => validateInterval({ hours: 1 }), 'interval')
  })
})
