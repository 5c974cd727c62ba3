import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import {
  BatchError,
  ConnectionError,
  type ErrorCode,
  ErrorCodes,
  QueryError,
  type TimescaleClientError,
  ValidationError,
} from '../src/errors.ts'
import { isRetryable, redactSecrets, toTimescaleError } from '../src/to-timescale-error.ts'
import { type TestDatabase, targets } from './support/targets.ts'

/** An error shaped like postgres.js's PostgresError for SQLSTATE `code`. */
function pgError(code: string, message = `error ${code}`): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' })
}

/** The same, wrapped the way Drizzle wraps driver errors. */
function drizzleWrapped(cause: Error): Error {
  return Object.assign(new Error('Failed query: select 1\nparams: '), { cause })
}

describe('toTimescaleError maps SQLSTATEs and driver codes in one place', () => {
  const cases: [string, ErrorCode, typeof TimescaleClientError][] = [
    ['08006', ErrorCodes.CONNECTION, ConnectionError],
    ['57P01', ErrorCodes.CONNECTION, ConnectionError],
    ['53300', ErrorCodes.CONNECTION, ConnectionError],
    ['28P01', ErrorCodes.AUTHENTICATION, ConnectionError],
    ['57014', ErrorCodes.QUERY_TIMEOUT, QueryError],
    ['40001', ErrorCodes.SERIALIZATION, QueryError],
    ['40P01', ErrorCodes.SERIALIZATION, QueryError],
    ['23505', ErrorCodes.CONSTRAINT, QueryError],
    ['22012', ErrorCodes.VALIDATION, ValidationError],
    ['42P01', ErrorCodes.SCHEMA_MISSING, QueryError],
    ['42883', ErrorCodes.SCHEMA_MISSING, QueryError],
    ['XX000', ErrorCodes.QUERY, QueryError],
  ]
  for (const [state, code, Kind] of cases) {
    test(`SQLSTATE ${state} → ${code}, also through Drizzle's wrapper`, () => {
      for (const error of [pgError(state), drizzleWrapped(pgError(state))]) {
        const mapped = toTimescaleError(error)
        expect(mapped).toBeInstanceOf(Kind)
        expect(mapped.code).toBe(code)
        expect(mapped.details.sqlState).toBe(state)
      }
    })
  }

  test('postgres.js and socket codes are connection errors; a SASL mismatch is an authentication error', () => {
    for (const code of ['CONNECTION_CLOSED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET']) {
      expect(toTimescaleError(Object.assign(new Error(code), { code })).code).toBe(ErrorCodes.CONNECTION)
    }
    expect(toTimescaleError(Object.assign(new Error('x'), { code: 'SASL_SIGNATURE_MISMATCH' })).code).toBe(ErrorCodes.AUTHENTICATION)
  })

  test('a TSL-only function on the Apache edition is FEATURE_NOT_LICENSED', () => {
    const error = pgError('0A000', 'function "add_compression_policy" is not supported under the current "apache" license')
    expect(toTimescaleError(error).code).toBe(ErrorCodes.LICENSE)
  })

  test('messages lose the password of any connection URL', () => {
    const mapped = toTimescaleError(new Error('could not reach postgres://app:s3cr3t-pw@db:5432/metrics'))
    expect(mapped.message).not.toContain('s3cr3t-pw')
    expect(redactSecrets('postgresql://u:p%40ss@h/d and password=hunter2')).toBe('postgresql://u:***@h/d and password=***')
  })

  test('isRetryable: broken connections and serialization failures, not logins or constraints; a BatchError as its cause', () => {
    expect(isRetryable(pgError('40P01'))).toBe(true)
    expect(isRetryable(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true)
    expect(isRetryable(pgError('28P01'))).toBe(false)
    expect(isRetryable(pgError('23505'))).toBe(false)
    const batch = (cause: TimescaleClientError) => new BatchError('part-way', ErrorCodes.BATCH, { cause })
    expect(isRetryable(batch(toTimescaleError(pgError('08006'))))).toBe(true)
    expect(isRetryable(batch(toTimescaleError(pgError('23514'))))).toBe(false)
  })
})

for (const target of targets) {
  describe(`toTimescaleError on real ${target.name} errors`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open()
    })
    afterAll(() => t.close())

    const mapped = (query: ReturnType<typeof sql>) =>
      t.db.execute(query).then(
        () => undefined,
        (e: unknown) => toTimescaleError(e),
      )

    test('division by zero is a ValidationError (class 22)', async () => {
      expect((await mapped(sql`select 1 / 0`))?.code).toBe(ErrorCodes.VALIDATION)
    })
    test('a missing table is SCHEMA_MISSING', async () => {
      expect((await mapped(sql`select * from no_such_table`))?.code).toBe(ErrorCodes.SCHEMA_MISSING)
    })
    test('a duplicate entity is a CONSTRAINT_VIOLATION', async () => {
      await t.db.execute(sql`insert into entities (entity_id, entity_type) values ('dup', 'x')`)
      expect((await mapped(sql`insert into entities (entity_id, entity_type) values ('dup', 'x')`))?.code).toBe(ErrorCodes.CONSTRAINT)
    })
  })
}
