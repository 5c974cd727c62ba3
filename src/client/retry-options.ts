import type { RetryOptions } from '../client/client-types.ts'
import { validateNumber } from '../validation/validate-number.ts'

/** The retry defaults: 3 retries, backoff from 100 ms doubling up to 5 s. */
export const DEFAULT_RETRY_OPTIONS: Readonly<Required<RetryOptions>> = Object.freeze({
  maxRetries: 3,
  retryBaseDelayMs: 100,
  retryMaxDelayMs: 5000,
})

/**
 * Fills in the retry defaults and validates the options (`ValidationError` naming the field).
 *
 * @example
 * ```ts
 * resolveRetryOptions({ maxRetries: 5 }) // { maxRetries: 5, retryBaseDelayMs: 100, retryMaxDelayMs: 5000 }
 * ```
 */
export function resolveRetryOptions(options: RetryOptions = {}): Required<RetryOptions> {
  const maxRetries = validateNumber(options.maxRetries, 'maxRetries', { min: 0, max: 100, integer: true })
  const base = validateNumber(options.retryBaseDelayMs, 'retryBaseDelayMs', { min: 0 })
  const max = validateNumber(options.retryMaxDelayMs, 'retryMaxDelayMs', { min: 0 })
  const resolved = {
    maxRetries: maxRetries ?? DEFAULT_RETRY_OPTIONS.maxRetries,
    retryBaseDelayMs: base ?? DEFAULT_RETRY_OPTIONS.retryBaseDelayMs,
    retryMaxDelayMs: max ?? DEFAULT_RETRY_OPTIONS.retryMaxDelayMs,
  }
  // A base above the cap is only an error when both were given; otherwise the cap wins.
  if (base !== undefined && max !== undefined) validateNumber(max, 'retryMaxDelayMs', { min: base })
  return resolved
}

/**
 * The backoff before retry number `retry` (1 for the first retry): "full jitter", a uniformly random
 * delay between 0 and `min(retryMaxDelayMs, retryBaseDelayMs * 2^(retry - 1))`, so that clients
 * failing together do not retry together.
 *
 * @example
 * ```ts
 * retryDelay(3, { retryBaseDelayMs: 100, retryMaxDelayMs: 5000 }) // between 0 and 400
 * ```
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function retryDelay(
  retry: number,
  options: Pick<Required<RetryOptions>, 'retryBaseDelayMs' | 'retryMaxDelayMs'>,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(retry - 1, 0), 30)
  const ceiling = Math.min(options.retryMaxDelayMs, options.retryBaseDelayMs * 2 ** exponent)
  return Math.floor(random() * ceiling)
}
