import { invalid, kindOf } from './invalid.ts'

/** Longest interval text accepted. */
export const MAX_INTERVAL_LENGTH = 64

type Part = 'microseconds' | 'days' | 'months'
const UNITS: Record<string, { name: string; part: Part; factor: number }> = {}
const define = (name: string, part: Part, factor: number, aliases: string[]) => {
  for (const alias of [name, name.slice(0, -1), ...aliases]) UNITS[alias] = { name, part, factor }
}
define('microseconds', 'microseconds', 1, ['us', 'usec', 'usecs'])
define('milliseconds', 'microseconds', 1_000, ['ms', 'msec', 'msecs'])
define('seconds', 'microseconds', 1_000_000, ['s', 'sec', 'secs'])
define('minutes', 'microseconds', 60_000_000, ['min', 'mins'])
define('hours', 'microseconds', 3_600_000_000, ['h', 'hr', 'hrs'])
define('days', 'days', 1, ['d'])
define('weeks', 'days', 7, ['w'])
define('months', 'months', 1, ['mon', 'mons'])
define('years', 'months', 12, ['y', 'yr', 'yrs'])

const GRAMMAR = /^\d{1,9} ?[a-z]+(?: +\d{1,9} ?[a-z]+)*$/
const PAIR = /(\d{1,9}) ?([a-z]+)/g
const INT32_MAX = 2_147_483_647
/** Widths already checked (a read checks its own and each declared aggregate's on every call). */
const checked = new Map<string, ValidInterval>()
const MAX_CHECKED = 512

/** A checked bucket width: PostgreSQL interval text and its parts. */
export interface ValidInterval {
  /** Canonical text, e.g. `1 hour 30 minutes`, sent as a bound `::interval` parameter. */
  text: string
  months: number
  days: number
  microseconds: number
}

/**
 * Checks a `time_bucket` width against a strict grammar: one or more `<positive integer> <unit>`
 * pairs separated by spaces, each unit at most once, case-insensitive, at most 64 characters.
 * Units: `microsecond(s)`/`us`/`usec`, `millisecond(s)`/`ms`/`msec`, `second(s)`/`s`/`sec`,
 * `minute(s)`/`min`, `hour(s)`/`h`/`hr`, `day(s)`/`d`, `week(s)`/`w`, `month(s)`/`mon`,
 * `year(s)`/`y`/`yr` (no bare `m`: minute or month?). Months and years cannot be combined with
 * smaller units (TimescaleDB cannot bucket by such a width).
 *
 * @example
 * ```ts
 * validateInterval('15 minutes').text // '15 minutes'
 * validateInterval('1h 30min').text   // '1 hour 30 minutes'
 * validateInterval("1 hour'; select pg_sleep(1); --") // throws ValidationError (field 'interval')
 * ```
 * @see https://docs.timescale.com/api/latest/hyperfunctions/time_bucket/
 */
export function validateInterval(input: unknown, field = 'interval'): ValidInterval {
  if (typeof input !== 'string') throw invalid(field, `must be a string such as '15 minutes', not ${kindOf(input)}`)
  const known = checked.get(input)
  if (known) return known
  if (input.length > MAX_INTERVAL_LENGTH) throw invalid(field, `must be at most ${MAX_INTERVAL_LENGTH} characters long`)
  const text = input.trim().toLowerCase()
  if (!GRAMMAR.test(text)) throw invalid(field, `must be '<positive integer> <unit>' pairs such as '15 minutes' or '1 hour 30 minutes'`)
  const parts = { microseconds: 0, days: 0, months: 0 }
  const seen = new Set<string>()
  const out: string[] = []
  for (const [, digits, unitText] of text.matchAll(PAIR)) {
    const unit = UNITS[unitText ?? '']
    if (!unit) throw invalid(field, `has an unknown unit '${unitText}'`)
    if (seen.has(unit.name)) throw invalid(field, `gives the unit ${unit.name} twice`)
    seen.add(unit.name)
    const n = Number(digits)
    if (n < 1) throw invalid(field, 'must use positive integers')
    parts[unit.part] += n * unit.factor
    out.push(`${n} ${n === 1 ? unit.name.slice(0, -1) : unit.name}`)
  }
  if (parts.months > 0 && (parts.days > 0 || parts.microseconds > 0)) {
    throw invalid(field, 'cannot combine months or years with smaller units')
  }
  if (parts.months > INT32_MAX || parts.days > INT32_MAX || parts.microseconds > Number.MAX_SAFE_INTEGER) {
    throw invalid(field, 'is out of range')
  }
  const valid = Object.freeze({ text: out.join(' '), ...parts })
  if (checked.size < MAX_CHECKED) checked.set(input, valid)
  return valid
}

/** A lower bound of the length of an interval in microseconds (a month counts as 28 days). */
export function minimumMicroseconds(interval: ValidInterval): number {
  return interval.microseconds + (interval.days + interval.months * 28) * 86_400_000_000
}
