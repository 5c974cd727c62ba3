import type { RetryOptions } from '../client/client-types.ts'
import type { TimescaleClientError } from '../errors.ts'
import { isRetryable, toTimescaleError } from '../to-timescale-error.ts'
import { abortableSleep } from './abortable-sleep.ts'
import { resolveRetryOptions, retryDelay } from './retry-options.ts'

/** Options of {@link withRetry}. */
export interface WithRetryOptions extends RetryOptions {
  /** Stops retrying: a pending backoff ends at once and the last error is thrown. */
  signal?: AbortSignal
  /** Name of the operation, used in error messages and `details.operation`. */
  operation?: string
}

/**
 * Runs `fn`, and runs it again when it fails in a way a retry may fix: the connection broke or
 * could not be opened (not a failed login), or PostgreSQL reported a serialization failure (40001)
 * or a deadlock (40P01). Retries wait a capped exponential backoff with full jitter
 * ({@link retryDelay}). Every other error fails at once.
 *
 * Only wrap idempotent work: a broken connection does not say whether the statement committed.
 *
 * @returns what `fn` resolves to.
 * @throws {TimescaleClientError} the last error, mapped by `toTimescaleError`, with
 *   `details.attempts` (how many times `fn` ran). When `signal` aborts before the first attempt,
 *   its `reason` is thrown.
 * @example
 * ```ts
 * import { withRetry } from 'drizzle-timescale'
 *
 * const rows = await withRetry(() => client.db.select().from(entities), { maxRetries: 5, operation: 'list sensors' })
 * ```
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: WithRetryOptions = {}): Promise<T> {
  const retry = resolveRetryOptions(options)
  const { signal, operation } = options
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted && attempt === 1) throw signal.reason
    try {
      return await fn(attempt)
    } catch (error) {
      const mapped = toTimescaleError(error, operation === undefined ? {} : { operation })
      const retryable = isRetryable(mapped) && attempt <= retry.maxRetries
      if (!retryable || signal?.aborted) throw withAttempts(mapped, attempt, signal?.aborted === true)
      const slept = await abortableSleep(retryDelay(attempt, retry), signal)
      if (!slept) throw withAttempts(mapped, attempt, true)
    }
  }
}

/**
 * The same error (class, code, message, cause, stack) with `attempts` (and `aborted` when a signal
 * stopped the retries) added to its frozen details.
 *
 * @example
 * ```ts
 * throw withAttempts(toTimescaleError(error), 4, false)
 * ```
 */
export function withAttempts(error: TimescaleClientError, attempts: number, aborted: boolean): TimescaleClientError {
  const Kind = error.constructor as typeof TimescaleClientError
  const details = { ...error.details, attempts, ...(aborted ? { aborted } : {}) }
  const copy = new Kind(error.message, error.code, { cause: error.cause, details })
  if (error.stack !== undefined) copy.stack = error.stack
  return copy
}
