import type { ClientConfig, RetryOptions } from '../client/client-types.ts'
import { validateNumber } from '../validation/validate-number.ts'
import { DEFAULT_LIMIT, MAX_LIMIT } from '../vocabulary/read-options.ts'
import { resolveRetryOptions } from './retry-options.ts'

/** The options a `TimescaleClient` uses once connected, validated and with defaults. */
export interface ResolvedClientConfig {
  retry: Required<RetryOptions>
  defaultLimit: number
  /** `acquireTimeout` in milliseconds, or `undefined`: no limit. */
  acquireTimeoutMs: number | undefined
}

/**
 * Validates the client part of a {@link ClientConfig} (retry options, `defaultLimit`, `acquireTimeout`) and
 * fills in the defaults. Connection options are validated where they are used, by `toPostgresOptions`.
 *
 * @throws {ValidationError} naming the invalid field.
 * @example
 * ```ts
 * resolveClientConfig({ maxRetries: 0 }) // { retry: { maxRetries: 0, ... }, defaultLimit: 1000 }
 * ```
 */
export function resolveClientConfig(config: ClientConfig = {}): ResolvedClientConfig {
  return {
    retry: resolveRetryOptions(config),
    defaultLimit: validateNumber(config.defaultLimit, 'defaultLimit', { min: 1, max: MAX_LIMIT, integer: true }) ?? DEFAULT_LIMIT,
    acquireTimeoutMs: toMilliseconds(validateNumber(config.acquireTimeout, 'acquireTimeout', { min: 0, max: 3600 })),
  }
}

function toMilliseconds(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 1000)
}
