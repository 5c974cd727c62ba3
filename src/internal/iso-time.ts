import { type SQL, sql } from 'drizzle-orm'

/*
 * Instants travel as text in one canonical form, `YYYY-MM-DDTHH:MM:SS.ffffffZ`: UTC, microseconds
 * (PostgreSQL's precision), years 0001..9999. Strings are parsed here rather than by `Date`, which
 * keeps only milliseconds and guesses a zone when none is given.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,20}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/
/** Longest time string accepted: a full timestamp with nanoseconds and an offset is 35 characters. */
export const MAX_TIME_TEXT_LENGTH = 48

/** Why a time string was refused, or its canonical form. */
export type CanonicalTime = { ok: true; text: string } | { ok: false; reason: string }

/**
 * Parses an ISO 8601 / RFC 3339 timestamp that carries a zone offset (`Z`, `+hh:mm`, `+hhmm`, `+hh`)
 * into the canonical UTC form with microseconds. More than six fractional digits are rounded the way
 * PostgreSQL rounds them (`rint` of the fraction as a double, ties to even).
 */
export function canonicalTimeFromText(text: string): CanonicalTime {
  if (text.length > MAX_TIME_TEXT_LENGTH) return { ok: false, reason: 'is too long to be a timestamp' }
  const fast = canonicalUtcText(text)
  if (fast !== undefined) return { ok: true, text: fast }
  const m = ISO.exec(text)
  if (!m) {
    return /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(text)
      ? { ok: false, reason: 'has no zone offset (add Z or +hh:mm); a local time is never guessed' }
      : { ok: false, reason: 'is not an ISO 8601 timestamp with a zone offset (e.g. 2024-01-15T10:30:00.123456Z)' }
  }
  const [, ys, mos, ds, hs, mis, ss, frac, z, sign, ohs, oms] = m
  const year = Number(ys)
  const month = Number(mos)
  const day = Number(ds)
  const hour = Number(hs)
  const minute = Number(mis)
  const second = ss === undefined ? 0 : Number(ss)
  if (year < 1) return { ok: false, reason: 'has a year outside 0001..9999' }
  if (month < 1 || month > 12) return { ok: false, reason: `has no month ${mos}` }
  if (day < 1 || day > daysInMonth(year, month)) return { ok: false, reason: `has no day ${ds} in ${ys}-${mos}` }
  if (hour > 23) return { ok: false, reason: `has no hour ${hs}` }
  if (minute > 59) return { ok: false, reason: `has no minute ${mis}` }
  if (second > 59) return { ok: false, reason: `has no second ${ss}` }
  let offsetMinutes = 0
  if (z === undefined) {
    const oh = Number(ohs)
    const om = oms === undefined ? 0 : Number(oms)
    if (oh > 15 || om > 59) return { ok: false, reason: `has an impossible zone offset ${sign}${ohs}${oms ?? ''}` }
    offsetMinutes = (sign === '-' ? -1 : 1) * (oh * 60 + om)
  }
  let micros = frac === undefined ? 0 : rintHalfEven(Number.parseFloat(`0.${frac}`) * 1_000_000)
  let ms = utcMs(year, month, day, hour, minute, second) - offsetMinutes * 60_000
  if (micros === 1_000_000) {
    micros = 0
    ms += 1000
  }
  return format(ms, micros)
}

// Fast path for what most callers send (`toISOString()` output and the canonical form itself):
// `YYYY-MM-DDTHH:MM:SS[.f{1,6}]Z`, already UTC, so the canonical text is the input with its
// fraction padded to six digits. Read by character codes: ingest validates millions of these
// (docs/performance.md).
// Anything else (offsets, lower case, more digits, no seconds, bad values) takes the general path.
function canonicalUtcText(text: string): string | undefined {
  const length = text.length
  if (length < 20 || length > 27 || length === 21 || text.charCodeAt(length - 1) !== 90 /* Z */) return undefined
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 /* T */) return undefined
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined
  const year = digits(text, 0, 4)
  const month = digits(text, 5, 2)
  const day = digits(text, 8, 2)
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  const hour = digits(text, 11, 2)
  const minute = digits(text, 14, 2)
  const second = digits(text, 17, 2)
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined
  if (length === 20) return `${text.slice(0, 19)}.000000Z`
  if (text.charCodeAt(19) !== 46 /* . */ || digits(text, 20, length - 21) < 0) return undefined
  return length === 27 ? text : `${text.slice(0, length - 1)}${'000000'.slice(length - 21)}Z`
}

/**
 * Milliseconds since the epoch of a canonical text (`YYYY-MM-DD`, optionally followed by
 * `THH:MM:SS.ffffff` and `Z`), its microseconds truncated as `Date.parse` truncates them. Read by
 * character codes and counted in days (proleptic Gregorian, as PostgreSQL and `Date` count):
 * `Date.parse` and `Date.UTC` were a quarter of a row's check at ingest.
 */
export function canonicalTextMs(text: string): number {
  const year = digits(text, 0, 4)
  const month = digits(text, 5, 2)
  const day = digits(text, 8, 2)
  if (text.length < 26) return utcMs(year, month, day, 0, 0, 0)
  return utcMs(year, month, day, digits(text, 11, 2), digits(text, 14, 2), digits(text, 17, 2)) + digits(text, 20, 3)
}

/** Days from 1970-01-01 to a date (H. Hinnant's days_from_civil: https://howardhinnant.github.io/date_algorithms.html). */
function civilDays(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468
}

/** The number written by `count` ASCII digits at `start`, or -1 when one is not a digit. */
function digits(text: string, start: number, count: number): number {
  let n = 0
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}

/** The canonical form of a valid `Date` (milliseconds, so the last three digits are zeros). */
export function canonicalTimeFromDate(date: Date): CanonicalTime {
  const ms = date.getTime()
  if (Number.isNaN(ms)) return { ok: false, reason: 'is an invalid Date' }
  const whole = Math.floor(ms / 1000) * 1000
  return format(whole, (ms - whole) * 1000)
}

function format(ms: number, micros: number): CanonicalTime {
  const date = new Date(ms)
  const year = date.getUTCFullYear()
  if (Number.isNaN(year) || year < 1 || year > 9999) return { ok: false, reason: 'is outside the years 0001..9999 (UTC)' }
  return { ok: true, text: `${date.toISOString().slice(0, 19)}.${String(micros).padStart(6, '0')}Z` }
}

/** Milliseconds since the epoch of a UTC date and time (counted, not by `Date.UTC`, which maps years 0..99 to 1900..1999). */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  return civilDays(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

// PostgreSQL's ParseFractionalSecond: `*fsec = rint(frac * 1000000)` with frac from strtod.
// https://github.com/postgres/postgres/blob/REL_17_STABLE/src/backend/utils/adt/datetime.c
function rintHalfEven(x: number): number {
  const floor = Math.floor(x)
  const rest = x - floor
  if (rest > 0.5) return floor + 1
  if (rest < 0.5) return floor
  return floor % 2 === 0 ? floor : floor + 1
}

/**
 * A `timestamptz` expression as JSON text, `"2024-01-15T10:30:00.1234"`: ISO 8601 in UTC whatever
 * the session's `TimeZone` and `DateStyle` (JSON always writes timestamps that way), and much
 * cheaper for the server than `to_char` (docs/performance.md).
 * Turn it into the canonical form with {@link utcFromJson}.
 * https://www.postgresql.org/docs/current/datatype-json.html
 */
export function utcJson(expression: SQL): SQL {
  return sql`to_json(${expression} at time zone 'UTC')::text`
}

/**
 * The canonical form (`2024-01-15T10:30:00.123400Z`) of what {@link utcJson} returned: quotes
 * dropped, the fraction padded to six digits, `Z` added. Anything else (`infinity`, years past
 * 9999) is returned without its quotes.
 */
export function utcFromJson(json: string): string {
  const text = json.charCodeAt(0) === 34 ? json.slice(1, -1) : json
  if (text.length < 19 || text.length > 26 || text.charCodeAt(10) !== 84 /* T */) return text
  return text.length === 19 ? `${text}.000000Z` : `${text}${'000000'.slice(text.length - 20)}Z`
}

/**
 * A `timestamptz` expression as canonical ISO 8601 UTC text with microseconds, formatted by the
 * server independently of the session's `TimeZone` and `DateStyle`.
 */
export function utcText(expression: SQL): SQL {
  return sql`to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
}
