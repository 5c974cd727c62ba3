import { type SQL, sql } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'
import { canonicalTimeFromDate, canonicalTimeFromText, utcFromJson, utcJson } from '../internal/iso-time.ts'
import { floatText } from '../internal/pg-array-literal.ts'
import { invalid, isPlainObject, kindOf } from '../validation/invalid.ts'
import { unsafeTextReason } from '../validation/unsafe-text-reason.ts'
import { validateMetadata } from '../validation/validate-metadata.ts'

/*
 * How one column of a declared table travels: the check and text encoding of a value written
 * (COPY text and unnest array elements are the same text, the type's input form), and the select
 * expression and decoding of a value read, the same on every driver. A value is checked here
 * against what the column's type stores, so a bad row is a `ValidationError` naming its column
 * before anything is sent, not a server error in the middle of a bounded write.
 */

/** One column's codec, from its Drizzle column. */
export interface ColumnCodec {
  /** The column's SQL type as Drizzle declares it (`double precision`, `varchar(32)`). */
  sqlType: string
  /** A time column: its values are canonical time text (`time` of an encoded row). */
  temporal: 'timestamptz' | 'timestamp' | 'date' | null
  /** The value's text in the type's input form, or `null`; throws a `ValidationError` naming `field`. */
  encode(value: unknown, field: string): string | null
  /** The column read as `column`, in a form every driver returns alike. */
  select(column: SQL): SQL
  /** A value selected with `select` as the row type's value (Drizzle's `$inferSelect`). */
  decode(value: unknown): unknown
  /** Its encoded texts never hold a backslash, tab, newline or carriage return: COPY takes them as they are. */
  plain: boolean
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i
const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const INTEGER_RANGES: Record<string, [number, number]> = {
  smallint: [-32_768, 32_767],
  integer: [-2_147_483_648, 2_147_483_647],
}

const passThrough = (column: SQL) => column

/**
 * The codec of a Drizzle column: numbers (`double precision`, `real`, `integer`, `smallint`,
 * `bigint`, `numeric`), text (`text`, `varchar(n)`, `char(n)`), `uuid`, `boolean`, `timestamptz`,
 * `timestamp`, `date`, `json`/`jsonb`; any other type takes a string, number or boolean and lets
 * the server parse it. Array columns are refused (`ValidationError` on `column`).
 *
 * @example
 * ```ts
 * columnCodec(readings.temperature).encode(21.5, 'temperature') // '21.5'
 * columnCodec(readings.time).encode('2024-01-15T10:30:00+01:00', 'time') // '2024-01-15T09:30:00.000000Z'
 * ```
 */
export function columnCodec(column: PgColumn): ColumnCodec {
  const sqlType = column.getSQLType()
  const type = sqlType.toLowerCase()
  const stringMode = column.dataType === 'string'
  if (type.endsWith(']'))
    throw invalid('column', `${column.name} is an array column (${sqlType}): the write engine does not take arrays yet`)
  const base = (encode: ColumnCodec['encode'], decode: ColumnCodec['decode'], select = passThrough, plain = true): ColumnCodec => ({
    sqlType,
    temporal: null,
    encode,
    select,
    decode,
    plain,
  })
  if (type === 'double precision' || type === 'real') return base(encodeFloat, (v) => Number(v))
  if (type in INTEGER_RANGES || type === 'serial' || type === 'smallserial') {
    const [low, high] = INTEGER_RANGES[type] ?? (INTEGER_RANGES.integer as [number, number])
    return base(
      (v, field) => {
        if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(field, `must be an integer, not ${describe(v)}`)
        if (v < low || v > high) throw invalid(field, `must be from ${low} to ${high} (${type})`)
        return String(v)
      },
      (v) => Number(v),
    )
  }
  if (type === 'bigint' || type === 'bigserial') {
    return base(
      (v, field) => {
        if (typeof v === 'bigint') {
          if (v < -(2n ** 63n) || v >= 2n ** 63n) throw invalid(field, 'must fit a bigint (64 bits)')
          return String(v)
        }
        if (typeof v !== 'number' || !Number.isSafeInteger(v))
          throw invalid(field, `must be a safe integer or a bigint, not ${describe(v)}`)
        return String(v)
      },
      (v) => column.mapFromDriverValue(String(v)),
      (c) => sql`${c}::text`,
    )
  }
  if (type.startsWith('numeric') || type.startsWith('decimal')) {
    return base(
      (v, field) => {
        if (typeof v === 'number') return encodeFloat(v, field)
        if (typeof v === 'string' && NUMERIC_TEXT.test(v)) return v
        throw invalid(field, `must be a finite number or a numeric string, not ${describe(v)}`)
      },
      (v) => column.mapFromDriverValue(String(v)),
      (c) => sql`${c}::text`,
    )
  }
  if (type === 'boolean') {
    return base(
      (v, field) => {
        if (typeof v !== 'boolean') throw invalid(field, `must be a boolean, not ${kindOf(v)}`)
        return v ? 't' : 'f'
      },
      (v) => v === true || v === 't' || v === 'true',
    )
  }
  if (type === 'text' || type.startsWith('varchar') || type.startsWith('character') || type.startsWith('char')) {
    const length = /\((\d+)\)/.exec(type)
    const maxLength = length ? Number(length[1]) : Number.POSITIVE_INFINITY
    return base(
      (v, field) => {
        if (typeof v !== 'string') throw invalid(field, `must be a string, not ${kindOf(v)}`)
        const reason = unsafeTextReason(v)
        if (reason) throw invalid(field, reason)
        if (v.length > maxLength && [...v].length > maxLength)
          throw invalid(field, `must be at most ${maxLength} characters long (${sqlType})`)
        return v
      },
      (v) => String(v),
      passThrough,
      false,
    )
  }
  if (type === 'uuid') {
    return base(
      (v, field) => {
        if (typeof v !== 'string' || !UUID.test(v)) throw invalid(field, `must be a UUID string, not ${describe(v)}`)
        return v.toLowerCase()
      },
      (v) => String(v),
    )
  }
  if (type === 'json' || type === 'jsonb') {
    return base(
      (v, field) => {
        if (v === null || v === undefined) return null
        // Any JSON value; objects and arrays checked as metadata is (depth, size, no cycles).
        if (isPlainObject(v)) return validateMetadata(v, field)
        return (validateMetadata({ value: v }, field) as string).slice('{"value":'.length, -1)
      },
      (v) => (typeof v === 'string' ? JSON.parse(v) : v),
      (c) => sql`${c}::text`,
      false,
    )
  }
  if (type.startsWith('timestamp') && type.includes('with time zone')) {
    // The last text read and its canonical form: the rows of a batch often share their time (one
    // row per series at each instant), and the text is read once for them all.
    let lastText: string | undefined
    let lastCanonical = ''
    return {
      sqlType,
      temporal: 'timestamptz',
      plain: true,
      encode: (v, field) => {
        if (v === lastText) return lastCanonical
        const result = typeof v === 'string' ? canonicalTimeFromText(v) : v instanceof Date ? canonicalTimeFromDate(v) : undefined
        if (!result) throw invalid(field, `must be a Date or an ISO 8601 string with a zone offset, not ${kindOf(v)}`)
        if (!result.ok) throw invalid(field, result.reason)
        if (typeof v === 'string') {
          lastText = v
          lastCanonical = result.text
        }
        return result.text
      },
      select: (c) => utcJson(c),
      decode: (v) => {
        const text = utcFromJson(String(v))
        return stringMode ? text : new Date(text)
      },
    }
  }
  if (type.startsWith('timestamp')) {
    return {
      sqlType,
      temporal: 'timestamp',
      plain: true,
      encode: (v, field) => {
        if (v instanceof Date) return utcTextOfDate(v, field).slice(0, -1)
        if (typeof v !== 'string') throw invalid(field, `must be a Date or a local time string (no zone offset), not ${kindOf(v)}`)
        const m = LOCAL_TIME.exec(v)
        if (!m)
          throw invalid(field, 'must be a local time YYYY-MM-DD HH:MM:SS[.ffffff] without a zone offset (the column has no time zone)')
        const [, y, mo, d, h = '00', mi = '00', s = '00', f = ''] = m
        const canonical = `${y}-${mo}-${d}T${h}:${mi}:${s}.${f.padEnd(6, '0')}`
        if (!canonicalTimeFromText(`${canonical}Z`).ok) throw invalid(field, 'is not a valid date and time')
        return canonical
      },
      select: (c) => sql`to_json(${c})::text`,
      decode: (v) => {
        const text = utcFromJson(String(v)).slice(0, -1)
        return stringMode ? text.replace('T', ' ') : new Date(`${text}Z`)
      },
    }
  }
  if (type === 'date') {
    return {
      sqlType,
      temporal: 'date',
      plain: true,
      encode: (v, field) => {
        if (v instanceof Date) return utcTextOfDate(v, field).slice(0, 10)
        if (typeof v !== 'string' || !DATE.test(v) || !canonicalTimeFromText(`${v}T00:00:00Z`).ok) {
          throw invalid(field, `must be a Date or a YYYY-MM-DD string, not ${describe(v)}`)
        }
        return v
      },
      select: (c) => sql`${c}::text`,
      decode: (v) => (stringMode ? String(v) : new Date(String(v))),
    }
  }
  // Any other type: its input text, parsed by the server.
  return base(
    (v, field) => {
      if (typeof v === 'string') {
        const reason = unsafeTextReason(v)
        if (reason) throw invalid(field, reason)
        return v
      }
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v)
      const driver = column.mapToDriverValue(v)
      if (typeof driver === 'string' || typeof driver === 'number') return String(driver)
      throw invalid(field, `must be a string, number or boolean for a ${sqlType} column, not ${kindOf(v)}`)
    },
    (v) => column.mapFromDriverValue(v),
    passThrough,
    false,
  )
}

/** A `Date` as canonical UTC text (`2024-01-15T10:30:00.123000Z`); a `ValidationError` on `field` when it is invalid or out of range. */
function utcTextOfDate(v: Date, field: string): string {
  const result = canonicalTimeFromDate(v)
  if (!result.ok) throw invalid(field, result.reason)
  return result.text
}

function encodeFloat(v: unknown, field: string): string {
  if (typeof v !== 'number') throw invalid(field, `must be a number, not ${kindOf(v)}`)
  if (!Number.isFinite(v)) throw invalid(field, 'must be a finite number (not NaN or Infinity)')
  return floatText(v)
}

function describe(v: unknown): string {
  return typeof v === 'number' ? (Number.isFinite(v) ? 'a fraction or an unsafe integer' : String(v)) : kindOf(v)
}
