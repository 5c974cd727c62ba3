import { isRetryable, toTimescaleError } from '../to-timescale-error.ts'
import { abortableSleep } from './abortable-sleep.ts'
import { resolveRetryOptions, retryDelay } from './retry-options.ts'
import { type WithRetryOptions, withAttempts } from './with-retry.ts'

/**
 * {@link withRetry} for a stream: iterates `open(undefined)`, and when it fails in a retryable way
 * (broken connection, serialization failure, deadlock) waits the same backoff and iterates
 * `open(last)`, where `last` is the last item already yielded, so `open` resumes right after it
 * (keyset pagination) and nothing is yielded twice. `maxRetries` counts consecutive failures:
 * an item yielded resets it.
 *
 * @throws {TimescaleClientError} the last error, with `details.attempts` (consecutive attempts at the failing page).
 * @example
 * ```ts
 * const rows = retryStream((last) => streamRecords(db, 'sensor-1', last ? { from: last.time, to } : { from, to }))
 * ```
 */
export async function* retryStream<T>(
  open: (last: T | undefined) => AsyncIterable<T>,
  options: WithRetryOptions = {},
): AsyncGenerator<T, void, undefined> {
  const retry = resolveRetryOptions(options)
  const { signal, operation } = options
  let last: T | undefined
  let failures = 0
  for (;;) {
    if (signal?.aborted && failures === 0 && last === undefined) throw signal.reason
    let consumerError = false
    try {
      for await (const item of open(last)) {
        last = item
        failures = 0
        consumerError = true
        yield item
        consumerError = false
      }
      return
    } catch (error) {
      // An error the consumer threw into the generator is not the stream's to retry.
      if (consumerError) throw error
      failures++
      const mapped = toTimescaleError(error, operation === undefined ? {} : { operation })
      if (!isRetryable(mapped) || failures > retry.maxRetries || signal?.aborted) {
        throw withAttempts(mapped, failures, signal?.aborted === true)
      }
      if (!(await abortableSleep(retryDelay(failures, retry), signal))) throw withAttempts(mapped, failures, true)
    }
  }
}
