import { describe, expect, test } from 'bun:test'
import { validateTimeZone } from '../../src/validation/index.ts'
import { expectInvalid } from './expect-invalid.ts'

describe('validateTimeZone', () => {
  test.each(['UTC', 'Europe/Berlin', 'America/New_York', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'EST5EDT'])(
    'accepts %s',
    (zone) => {
      expect(validateTimeZone(zone)).toBe(zone)
    },
  )
  test.each([
    ['an injection attempt', "UTC'; drop table time_series_data; --"],
    ['a quote', "Europe/Berlin'"],
    ['spaces', 'Europe / Berlin'],
    ['a POSIX rule with commas', 'EST5EDT,M3.2.0,M11.1.0'],
    ['a leading slash', '/etc/localtime'],
    ['a path climbing up', '../../etc/passwd'],
    ['an empty string', ''],
    ['too long', `A${'b'.repeat(64)}`],
  ])('rejects %s', (_name, zone) => {
    expectInvalid(() => validateTimeZone(zone), 'timeZone')
  })
  test('rejects a non-string', () => void expectInvalid(() => validateTimeZone(5), 'timeZone'))
})
