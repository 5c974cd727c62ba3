import { describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import { retryDelay } from '../../src/client/retry-options.ts'
import { withRetry } from '../../src/client/with-retry.ts'
import { ConnectionError, ErrorCodes, QueryError, type TimescaleClientError, ValidationError } from '../../src/errors.ts'
import { closedPort } from './closed-port.ts'

// Errors shaped exactly as postgres.js and Node throw them.
const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
    address: '127.0.0.1',
    port: 5432,
  })
const connectionClosed = () =>
  Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED', errno: 'CONNECTION_CLOSED' })
const pgError = (code: string, message: string) => new postgres.PostgresError({ severity: 'ERROR', code, message } as unknown as string)

const fast = { retryBaseDelayMs: 1, retryMaxDelayMs: 2 }

/** Runs withRetry over a function that throws `errors` in turn, then returns 'ok'. */
async function attempt(errors: Error[], options = {}) {
  let calls = 0
  const run = withRetry(
    async () => {
      const error = errors[calls++]
      if (error) throw error
      return 'ok'
    },
    { ...fast, ...options },
  )
  const outcome = await run.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error: error as TimescaleClientError }),
  )
  return { ...outcome, calls }
}

describe('withRetry', () => {
  test('returns the first success without retrying', async () => {
    expect(await attempt([])).toEqual({ value: 'ok', error: undefined, calls: 1 })
  })

  test('retries refused and dropped connections, then succeeds', async () => {
    expect(await attempt([refused(), connectionClosed()])).toMatchObject({ value: 'ok', calls: 3 })
  })

  test('gives up after maxRetries with a ConnectionError holding the attempts and the cause', async () => {
    const errors = [refused(), refused(), refused(), refused(), refused()]
    const { error, calls } = await attempt(errors)
    expect(calls).toBe(4)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error?.code).toBe(ErrorCodes.CONNECTION)
    expect(error?.details.attempts).toBe(4)
    expect(error?.cause).toBe(errors[3])
  })

  test('maxRetries is configurable, and 0 disables retries', async () => {
    expect((await attempt([refused(), refused()], { maxRetries: 1 })).calls).toBe(2)
    const { error, calls } = await attempt([refused()], { maxRetries: 0 })
    expect(calls).toBe(1)
    expect(error?.details.attempts).toBe(1)
  })

  test('retries serialization failures (40001) and deadlocks (40P01)', async () => {
    const serialization = pgError('40001', 'could not serialize access due to concurrent update')
    const deadlock = pgError('40P01', 'deadlock detected')
    expect(await attempt([serialization, deadlock])).toMatchObject({ value: 'ok', calls: 3 })
    const { error } = await attempt([deadlock, deadlock, deadlock, deadlock])
    expect(error).toBeInstanceOf(QueryError)
    expect(error?.code).toBe(ErrorCodes.SERIALIZATION)
    expect(error?.details).toMatchObject({ sqlState: '40P01', attempts: 4 })
  })

  test('does not retry a ValidationError, and keeps its class and details', async () => {
    const invalid = new ValidationError('value must be finite', ErrorCodes.VALIDATION, { details: { field: 'value', index: 3 } })
    const { error, calls } = await attempt([invalid])
    expect(calls).toBe(1)
    expect(error).toBeInstanceOf(ValidationError)
    expect(error?.message).toBe('value must be finite')
    expect(error?.details).toEqual({ field: 'value', index: 3, attempts: 1 })
  })

  test('does not retry a unique violation (23505)', async () => {
    const { error, calls } = await attempt([pgError('23505', 'duplicate key value violates unique constraint "entities_pkey"')])
    expect(calls).toBe(1)
    expect(error).toBeInstanceOf(QueryError)
    expect(error?.code).toBe(ErrorCodes.CONSTRAINT)
  })

  test('does not retry a failed login (28P01)', async () => {
    const { error, calls } = await attempt([pgError('28P01', 'password authentication failed for user "app"')])
    expect(calls).toBe(1)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error?.code).toBe(ErrorCodes.AUTHENTICATION)
  })

  test('does not retry an unknown error, which becomes a QueryError', async () => {
    const { error, calls } = await attempt([new TypeError('x is not a function')], { operation: 'getRecords' })
    expect(calls).toBe(1)
    expect(error).toBeInstanceOf(QueryError)
    expect(error?.message).toBe('getRecords failed: x is not a function')
  })

  test('backoff is full jitter under an exponential ceiling capped at retryMaxDelayMs', () => {
    const options = { retryBaseDelayMs: 100, retryMaxDelayMs: 5000 }
    const almostOne = () => 0.999999
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelay(n, options, almostOne))).toEqual([99, 199, 399, 799, 1599, 3199, 4999])
    for (const n of [8, 20, 64, 1000]) expect(retryDelay(n, options, almostOne)).toBe(4999)
    expect(retryDelay(5, options, () => 0)).toBe(0)
    expect(retryDelay(3, { retryBaseDelayMs: 0, retryMaxDelayMs: 5000 }, almostOne)).toBe(0)
  })

  test('the cap bounds the real waits: 6 retries with a 20 ms cap take well under a second', async () => {
    const started = performance.now()
    const { calls } = await attempt(Array.from({ length: 10 }, refused), {
      maxRetries: 6,
      retryBaseDelayMs: 15,
      retryMaxDelayMs: 20,
    })
    expect(calls).toBe(7)
    expect(performance.now() - started).toBeLessThan(6 * 20 + 300)
  })

  test('an abort during the backoff ends it at once with the last error', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 30)
    const started = performance.now()
    const { error, calls } = await attempt([refused(), refused()], {
      retryBaseDelayMs: 60_000,
      retryMaxDelayMs: 60_000,
      signal: controller.signal,
    })
    expect(performance.now() - started).toBeLessThan(1000)
    expect(calls).toBe(1)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error?.details).toMatchObject({ attempts: 1, aborted: true })
  })

  test('invalid retry options are a ValidationError naming the field', async () => {
    for (const [options, field] of [
      [{ maxRetries: -1 }, 'maxRetries'],
      [{ maxRetries: 1.5 }, 'maxRetries'],
      [{ retryBaseDelayMs: Number.NaN }, 'retryBaseDelayMs'],
      [{ retryMaxDelayMs: '100' }, 'retryMaxDelayMs'],
      [{ retryBaseDelayMs: 500, retryMaxDelayMs: 100 }, 'retryMaxDelayMs'],
    ] as const) {
      const error = await withRetry(async () => 1, options as object).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as ValidationError).details.field).toBe(field)
    }
  })

  test('a real refused connection from postgres.js is retried, then reported with its attempts', async () => {
    const sql = postgres({ host: '127.0.0.1', port: closedPort(), max: 1, connect_timeout: 2, onnotice: () => {} })
    let calls = 0
    try {
      const error = await withRetry(
        async () => {
          calls++
          return await sql`select 1`
        },
        { maxRetries: 2, ...fast },
      ).catch((e: unknown) => e as TimescaleClientError)
      expect(calls).toBe(3)
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error).toMatchObject({ code: ErrorCodes.CONNECTION, details: { driverCode: 'ECONNREFUSED', attempts: 3 } })
    } finally {
      await sql.end({ timeout: 0 })
    }
  })
})
