import type { ReplicaOptions } from '../../client/client-types.ts'
import { invalid } from '../../validation/invalid.ts'
import { validateNumber } from '../../validation/validate-number.ts'

/** Default of `maxReplicaLagSeconds`. */
export const DEFAULT_MAX_REPLICA_LAG_SECONDS = 30
/** Default of `replicaHealthCheckIntervalMs`. */
export const DEFAULT_REPLICA_HEALTH_CHECK_INTERVAL_MS = 5000

/** {@link ReplicaOptions} validated, with defaults. */
export interface ResolvedReplicaOptions {
  urls: string[]
  maxLagSeconds: number
  intervalMs: number
  /** A check gives up after this long: the interval, within 1 to 5 seconds. */
  checkTimeoutMs: number
}

/**
 * Validates the replica options of a client config and fills in the defaults. URLs are checked for
 * their scheme only here (and never echoed: they hold passwords); the pool parses them.
 *
 * @throws {ValidationError} naming the field (`replicas[1]`, `maxReplicaLagSeconds`, ...).
 * @example
 * ```ts
 * resolveReplicaOptions({ replicas: ['postgres://app:pw@replica-1/metrics'] }).maxLagSeconds // 30
 * ```
 */
export function resolveReplicaOptions(options: ReplicaOptions = {}): ResolvedReplicaOptions {
  const { replicas } = options
  if (replicas !== undefined && !Array.isArray(replicas)) {
    throw invalid('replicas', 'must be an array of postgres:// URLs')
  }
  const urls = (replicas ?? []).map((url: unknown, i) => {
    if (typeof url !== 'string' || !/^postgres(ql)?:\/\/\S/i.test(url.trim())) {
      throw invalid(`replicas[${i}]`, 'must be a postgres:// or postgresql:// URL')
    }
    return url.trim()
  })
  const maxLagSeconds =
    validateNumber(options.maxReplicaLagSeconds, 'maxReplicaLagSeconds', { min: 0, max: 86_400 }) ?? DEFAULT_MAX_REPLICA_LAG_SECONDS
  const intervalMs =
    validateNumber(options.replicaHealthCheckIntervalMs, 'replicaHealthCheckIntervalMs', { min: 10, max: 3_600_000 }) ??
    DEFAULT_REPLICA_HEALTH_CHECK_INTERVAL_MS
  return { urls, maxLagSeconds, intervalMs, checkTimeoutMs: Math.min(Math.max(intervalMs, 1000), 5000) }
}

/**
 * Throws a `ValidationError` when `replicas` is set on a factory that cannot use it.
 *
 * @example
 * ```ts
 * refuseReplicas(options, 'fromDrizzle')
 * ```
 */
export function refuseReplicas(options: ReplicaOptions | undefined, factory: string): void {
  if (options?.replicas === undefined) return
  throw invalid(
    'replicas',
    `are for the connecting factories (fromConnectionString, fromConfig, fromEnvironment), not ${factory}; with your own Drizzle databases, use withReplicas from drizzle-orm/pg-core`,
  )
}
