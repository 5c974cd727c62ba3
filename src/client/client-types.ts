/** Result of `healthCheck()`: it never throws. */
export interface HealthCheckResult {
  isHealthy: boolean
  responseTimeMs: number
  version?: string
  timescaledbVersion?: string | null
  license?: string | null
  database?: string
  timestamp: Date
  connection: { host: string; port: number; ssl: boolean }
  errors?: string[]
  /** With read replicas: the primary, then each replica (see docs/replicas.md). */
  nodes?: NodeHealth[]
}

/** One database node of a client with read replicas, as `healthCheck()` reports it. */
export interface NodeHealth {
  role: 'primary' | 'replica'
  host: string
  port: number
  /** The primary: reachable and migrated. A replica: reachable, in recovery, within `maxReplicaLagSeconds`. */
  healthy: boolean
  /** How far behind the primary its data may be, in seconds (an upper bound; 0 for the primary; `null` when unknown). */
  lagSeconds: number | null
  /** Lag-tolerant reads routed to this node since the client was made (fallbacks to the primary included). */
  reads: number
  /** When the node was last checked (`null`: not yet). */
  checkedAt: Date | null
  error?: string
}

/** Where a read goes: what `client.routeFor(operation)` answers. */
export interface ReadRoute {
  role: 'primary' | 'replica'
  host: string
  port: number
}

/** Read replicas of the primary (connecting factories only); see docs/replicas.md. */
export interface ReplicaOptions {
  /**
   * `postgres://` URLs of streaming replicas of the primary. Reads that tolerate lag
   * (`getRecords`, `getLatestValues`, `getAggregate`, `getTimeBuckets`, `streamRecords`) go to a
   * healthy one, round-robin; everything else goes to the primary.
   */
  replicas?: readonly string[]
  /** A replica whose data may be older than this many seconds is skipped (default 30). */
  maxReplicaLagSeconds?: number
  /** How long a replica's health check result is used before it is checked again, in ms (default 5,000). */
  replicaHealthCheckIntervalMs?: number
}

/** Retry of connection failures, serialization failures and deadlocks (idempotent operations only). */
export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0 disables). */
  maxRetries?: number
  /** First backoff in milliseconds (default 100), doubled each retry, with full jitter. */
  retryBaseDelayMs?: number
  /** Largest backoff in milliseconds (default 5000). */
  retryMaxDelayMs?: number
}

/** Connection pool options (postgres.js), in the design's names; times in seconds. */
export interface ConnectionOptions {
  /** Pool size (default 10). */
  maxConnections?: number
  /** Seconds before a connection is replaced (default 3600). */
  maxLifetime?: number
  /** Seconds an idle connection is kept (default 0: forever). */
  idleTimeout?: number
  /** Seconds to wait while connecting (default 30). */
  connectTimeout?: number
  /** TLS: `true`, `'require'`, `'prefer'`, `'verify-full'`, or tls.connect options. */
  ssl?: boolean | 'require' | 'allow' | 'prefer' | 'verify-full' | Record<string, unknown>
}

/** Options of every `ClientFactory` method. */
export interface ClientConfig extends ConnectionOptions, RetryOptions, ReplicaOptions {
  /** Default `limit` of range reads (default 1000). */
  defaultLimit?: number
  /**
   * Seconds a call may wait for a free pooled connection before it fails with a `ConnectionError`
   * coded `CONNECTION_TIMEOUT` (not retried; nothing was sent). Default: no limit, calls queue as
   * long as it takes. Counts the client's own calls only (not queries through `client.db`, nor
   * reads routed to replicas); `insertManyRecords` with `parallel: n` takes n connections.
   */
  acquireTimeout?: number
}

/** Connection parameters for `ClientFactory.fromConfig`. */
export interface ConnectionConfig extends ConnectionOptions {
  host?: string
  port?: number
  database?: string
  username?: string
  password?: string
}
